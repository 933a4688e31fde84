/*
 * The bank dialog (emulator origin), opened by the host's Stripe.js collectBankAccountForPayment
 * (or collectBankAccountForSetup: the intent is then a SetupIntent).
 * The customer links the test bank's account or types routing and account numbers; this frame
 * sends them to this origin's API itself and tells the host only "collected" or "canceled".
 */
(function () {
  'use strict';

  var link = window.HostLink, hash = link.hash, toHost = link.toHost;
  var key = hash.get('key');
  var intent = hash.get('intent');
  var clientSecret = hash.get('clientSecret');
  var billing = {};
  try { billing = JSON.parse(hash.get('billing') || '{}') || {}; } catch (e) { billing = {}; }
  if (!link.framedByHost()) return;

  var panes = {};
  Array.prototype.forEach.call(document.querySelectorAll('[data-pane]'), function (pane) {
    panes[pane.getAttribute('data-pane')] = pane;
  });

  function show(name) {
    Object.keys(panes).forEach(function (other) { panes[other].hidden = other !== name; });
    var heading = panes[name].querySelector('h1, h2');
    if (heading) heading.focus();
  }

  function errorAt(name, message) {
    document.querySelector('[data-error="' + name + '"]').textContent = message || '';
  }

  function encode(value, prefix, out) {
    if (value === undefined || value === null) return out;
    if (typeof value === 'object') {
      Object.keys(value).forEach(function (k) { encode(value[k], prefix ? prefix + '[' + k + ']' : k, out); });
    } else {
      out.append(prefix, String(value));
    }
    return out;
  }

  /* Attach the account to the intent; resolves to an error message or null. */
  function collect(params) {
    var body = encode(Object.assign({client_secret: clientSecret}, params), '', new URLSearchParams());
    var intents = intent.indexOf('seti_') === 0 ? '/v1/setup_intents/' : '/v1/payment_intents/';
    return fetch(intents + encodeURIComponent(intent) + '/collect_bank_account', {
      method: 'POST',
      headers: {Authorization: 'Bearer ' + key, 'Content-Type': 'application/x-www-form-urlencoded'},
      body: body.toString(),
      credentials: 'omit',
    }).then(function (response) {
      return response.json().then(function (json) {
        return json && json.error ? json.error.message : null;
      });
    }, function () {
      return 'We could not reach your bank. Please try again.';
    });
  }

  function paymentMethodData(extra) {
    return Object.assign({type: 'us_bank_account', billing_details: billing}, extra);
  }

  function submitting(button, busy) {
    button.disabled = busy;
  }

  function finished(summary) {
    document.querySelector('[data-summary]').textContent = summary;
    show('done');
  }

  var actions = {
    close: function () { toHost({type: 'bank-complete', outcome: 'canceled'}); },
    agree: function () { show('institutions'); },
    institution: function () { show('login'); },
    manual: function () { show('manual'); },
    login: function () { show('accounts'); },
    connect: function (button) {
      var chosen = document.querySelector('input[name="account"]:checked');
      submitting(button, true);
      collect({linked_account: chosen.value, payment_method_data: paymentMethodData()}).then(function (error) {
        submitting(button, false);
        errorAt('accounts', error);
        if (!error) finished(chosen.getAttribute('aria-label') + ' account linked.');
      });
    },
    done: function () { toHost({type: 'bank-complete', outcome: 'collected'}); },
  };

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-action]');
    if (button && actions[button.getAttribute('data-action')]) {
      actions[button.getAttribute('data-action')](button);
    }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') actions.close();
  });

  var form = document.querySelector('[data-form="manual"]');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var routing = form.routingNumber.value.replace(/\s/g, '');
    var account = form.accountNumber.value.replace(/\s/g, '');
    var again = form.accountNumberConfirmation.value.replace(/\s/g, '');
    var problem = !/^\d{9}$/.test(routing) ? 'Enter a 9-digit routing number.'
      : !/^\d{4,17}$/.test(account) ? 'Enter an account number of 4 to 17 digits.'
      : account !== again ? 'The account numbers do not match.' : null;
    errorAt('manual', problem);
    if (problem) return;
    var button = form.querySelector('button[type="submit"]');
    submitting(button, true);
    collect({payment_method_data: paymentMethodData({us_bank_account: {
      routing_number: routing, account_number: account, account_holder_type: 'individual',
    }})}).then(function (error) {
      submitting(button, false);
      errorAt('manual', error);
      if (!error) finished('Account ending in ' + account.slice(-4) + ' added. You will verify it with small deposits.');
    });
  });

  show('consent');
  // The page renders every button disabled until now, so a click before this script has bound
  // them cannot be lost and leave the customer on the consent pane.
  Array.prototype.forEach.call(document.querySelectorAll('button'), function (button) {
    button.disabled = false;
  });
  toHost({type: 'ready'});
})();
