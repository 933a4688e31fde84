/*
 * The hidden controller frame (emulator origin). The host's Stripe.js asks it, by postMessage,
 * to send the card in some Element frames to one API path. It collects the fields from those
 * frames (same origin, found by name among the host window's frames), and makes the API call
 * with the publishable key. The host gets back only the API's answer.
 */
(function () {
  'use strict';

  var link = window.HostLink, MSG = link.MSG, hash = link.hash, hostOrigin = link.hostOrigin;
  var toHost = link.toHost;
  var key = hash.get('key');
  var stripeAccount = hash.get('stripeAccount');
  var apiVersion = hash.get('apiVersion');

  // Only these paths may receive card data, and only on this (the emulator's) origin.
  var CARD_PATHS = [
    /^\/v1\/payment_methods$/,
    /^\/v1\/payment_intents\/[A-Za-z0-9_]+\/confirm$/,
    /^\/v1\/setup_intents\/[A-Za-z0-9_]+\/confirm$/,
  ];
  var FIELD_ORDER = ['number', 'expiry', 'cvc', 'postal'];
  var COLLECT_TIMEOUT_MS = 5000;

  if (!link.framedByHost()) return;

  function findFrame(name) {
    var frames = window.parent.frames;
    try {
      var named = frames[name];
      if (named && named !== window.parent) return named;
    } catch (e) { /* not a child of the host window: search below */ }
    for (var i = 0; i < frames.length; i++) {
      try {
        if (frames[i].name === name) return frames[i];
      } catch (e) { /* cross-origin sibling: not ours */ }
    }
    return null;
  }

  function encodeForm(value, prefix, out) {
    out = out || new URLSearchParams();
    if (value === undefined) return out;
    if (Array.isArray(value)) {
      value.forEach(function (item, i) { encodeForm(item, prefix + '[' + i + ']', out); });
    } else if (value !== null && typeof value === 'object') {
      Object.keys(value).forEach(function (k) { encodeForm(value[k], prefix ? prefix + '[' + k + ']' : k, out); });
    } else {
      out.append(prefix, value === null ? '' : String(value));
    }
    return out;
  }

  var pending = new Map(); // collect request id -> {source, resolve}
  var seq = 0;

  function collect(frame) {
    return new Promise(function (resolve, reject) {
      var target = findFrame(frame.name);
      if (!target) {
        reject(new Error('Element frame ' + frame.name + ' not found'));
        return;
      }
      seq += 1;
      var id = seq;
      var timer = setTimeout(function () {
        pending.delete(id);
        reject(new Error('Element frame ' + frame.name + ' did not answer'));
      }, COLLECT_TIMEOUT_MS);
      pending.set(id, {
        source: target,
        resolve: function (reply) { clearTimeout(timer); resolve(reply); },
      });
      var message = {type: 'collect', reqId: id};
      message[MSG] = 1;
      target.postMessage(message, location.origin);
    });
  }

  function at(object, path) {
    return path.reduce(function (node, name) {
      if (node[name] === null || typeof node[name] !== 'object') node[name] = {};
      return node[name];
    }, object);
  }

  function send(payload) {
    if (!CARD_PATHS.some(function (re) { return re.test(payload.path); })) {
      return Promise.resolve({error: {type: 'invalid_request_error', message: 'Card data cannot be sent to ' + payload.path + '.'}});
    }
    var frames = Array.isArray(payload.frames) ? payload.frames : [];
    if (!frames.length) {
      return Promise.resolve({error: {type: 'invalid_request_error', message: 'No mounted card Element to read from.'}});
    }
    return Promise.all(frames.map(collect)).then(function (replies) {
      var fields = {};
      var errors = {};
      replies.forEach(function (reply) {
        Object.assign(fields, reply.fields);
        Object.assign(errors, reply.errors);
      });
      for (var i = 0; i < FIELD_ORDER.length; i++) {
        if (errors[FIELD_ORDER[i]]) return {error: errors[FIELD_ORDER[i]]};
      }
      var params = JSON.parse(JSON.stringify(payload.params || {}));
      var target = at(params, payload.cardAt || []);
      var card = {};
      if (fields.number !== undefined) card.number = fields.number;
      if (fields.exp_month !== undefined) card.exp_month = fields.exp_month;
      if (fields.exp_year !== undefined) card.exp_year = fields.exp_year;
      if (fields.cvc !== undefined) card.cvc = fields.cvc;
      target.card = card;
      if (fields.postal) at(target, ['billing_details', 'address']).postal_code = fields.postal;
      var headers = {
        Authorization: 'Bearer ' + key,
        'Content-Type': 'application/x-www-form-urlencoded',
      };
      if (stripeAccount) headers['Stripe-Account'] = stripeAccount;
      if (apiVersion) headers['Stripe-Version'] = apiVersion;
      return fetch(location.origin + payload.path, {
        method: 'POST',
        headers: headers,
        body: encodeForm(params, '').toString(),
        credentials: 'omit',
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          return {status: response.status, body: body};
        });
      });
    }).catch(function () {
      return {error: {
        type: 'api_connection_error',
        message: 'An error occurred with our connection to Stripe. Request was retried 1 times.',
      }};
    });
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || data[MSG] !== 1) return;
    if (event.source === window.parent && event.origin === hostOrigin) {
      if (data.type === 'request') {
        send(data.payload || {}).then(function (result) {
          toHost({type: 'response', id: data.id, result: result});
        });
      }
    } else if (event.origin === location.origin && data.type === 'collected') {
      var waiting = pending.get(data.reqId);
      if (waiting && waiting.source === event.source) {
        pending.delete(data.reqId);
        waiting.resolve({fields: data.fields || {}, errors: data.errors || {}});
      }
    }
  });

  toHost({type: 'ready'});
})();
