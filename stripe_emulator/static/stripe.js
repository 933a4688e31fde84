/*
 * Stripe.js look-alike served by the local Stripe emulator at /v3/ (the legacy train: every
 * method, old names included) and at /<release>/stripe.js (acacia, basil, clover, dahlia…): one
 * file, told which it is by its RELEASE line, which the server writes.
 *
 * Runs in the host page. It never sees card data: every card Element is an iframe from the
 * emulator's origin, and a hidden controller iframe (same origin as the Elements) gathers the
 * card fields from them and makes the API call. This file only exchanges postMessages carrying
 * frame ids and field states with those frames, and calls the API with the publishable key for
 * everything that holds no card data (retrieve / confirm with a PaymentMethod id).
 * Bank accounts are typed into the bank dialog (an emulator-origin iframe) and sent by it.
 */
(function () {
  'use strict';

  if (window.Stripe && window.Stripe.__emulator) {
    return; // loaded twice: keep the first copy, as Stripe.js does
  }

  // Which release this copy is and what that release changes from /v3/: {release, version,
  // removed: {method: use instead}, renamed: {old: new}, absent: [methods]}. The server writes
  // this line (stripejs/stripejs.py, from machinery/versions.py's CHANGES); keep it one line.
  var RELEASE = {"absent": [], "release": "v3", "removed": {}, "renamed": {}};

  var script = document.currentScript ||
    document.querySelector('script[src*="/v3"], script[src$="/stripe.js"]');
  var ORIGIN = new URL(script ? script.src : location.href, location.href).origin;
  var MSG = '__stripeEmulator';

  var frameSeq = 1000 + Math.floor(Math.random() * 8000);
  function nextName(prefix) {
    frameSeq += 1;
    return prefix + frameSeq;
  }

  function IntegrationError(message) {
    var error = new Error(message);
    error.name = 'IntegrationError';
    Object.setPrototypeOf(error, IntegrationError.prototype);
    return error;
  }
  IntegrationError.prototype = Object.create(Error.prototype);
  IntegrationError.prototype.constructor = IntegrationError;

  function warn(message) {
    if (window.console && console.warn) console.warn(message);
  }

  function isPlainObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  /* ---------- messages from our frames ---------- */

  // Our iframes -> handler(data). Matched on the sender's window at each message, so a frame
  // mounted in a container not yet in the document is recognised once it is.
  var frameHandlers = new Map();

  window.addEventListener('message', function (event) {
    if (event.origin !== ORIGIN || !event.source) return;
    var data = event.data;
    if (!isPlainObject(data) || data[MSG] !== 1) return;
    frameHandlers.forEach(function (handler, iframe) {
      if (iframe.contentWindow === event.source) handler(data);
    });
  });

  function post(iframe, message) {
    message[MSG] = 1;
    if (iframe.contentWindow) iframe.contentWindow.postMessage(message, ORIGIN);
  }

  function hashParams(params) {
    var search = new URLSearchParams();
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value === undefined || value === null) return;
      search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    });
    return search.toString();
  }

  function setStyles(node, styles) {
    Object.keys(styles).forEach(function (property) {
      node.style.setProperty(property, styles[property], 'important');
    });
  }

  function baseFrame(name, src) {
    var iframe = document.createElement('iframe');
    iframe.name = name;
    iframe.setAttribute('frameborder', '0');
    iframe.setAttribute('allowtransparency', 'true');
    iframe.setAttribute('scrolling', 'no');
    iframe.setAttribute('role', 'presentation');
    iframe.setAttribute('allow', 'payment *');
    iframe.src = src;
    return iframe;
  }

  function whenBody(fn) {
    if (document.body) fn();
    else document.addEventListener('DOMContentLoaded', fn, {once: true});
  }

  /* ---------- form encoding and the REST API (no card data here) ---------- */

  function encodeForm(value, prefix, out) {
    out = out || new URLSearchParams();
    if (value === undefined) return out;
    if (Array.isArray(value)) {
      value.forEach(function (item, i) { encodeForm(item, prefix + '[' + i + ']', out); });
    } else if (isPlainObject(value)) {
      Object.keys(value).forEach(function (key) {
        encodeForm(value[key], prefix ? prefix + '[' + key + ']' : key, out);
      });
    } else {
      out.append(prefix, value === null ? '' : String(value));
    }
    return out;
  }

  function connectionError() {
    return {
      type: 'api_connection_error',
      message: 'An error occurred with our connection to Stripe. Request was retried 1 times.',
    };
  }

  // As Stripe.js does, the key and options travel as form fields, not headers: the request
  // stays a "simple" cross-origin one, so the browser sends no CORS preflight before it.
  function transportParams(stripe) {
    var params = {key: stripe._key};
    if (stripe._options.stripeAccount) params._stripe_account = stripe._options.stripeAccount;
    if (stripe._options.apiVersion) params._stripe_version = stripe._options.apiVersion;
    return params;
  }

  function api(stripe, method, path, params) {
    var url = ORIGIN + path;
    var init = {method: method, credentials: 'omit'};
    var body = encodeForm(Object.assign({}, params || {}, transportParams(stripe)), '');
    if (method === 'GET') {
      url += '?' + body.toString();
    } else {
      init.headers = {'Content-Type': 'application/x-www-form-urlencoded'};
      init.body = body.toString();
    }
    return fetch(url, init).then(function (response) {
      return response.json().then(function (json) {
        return apiResult(response.status, json);
      }, function () {
        return apiResult(response.status, null);
      });
    }, function () {
      return {error: connectionError()};
    });
  }

  function apiResult(status, json) {
    if (json && json.error) return {error: json.error};
    if (status >= 400 || !json) {
      return {error: {type: 'api_error', message: 'Unexpected response from Stripe (HTTP ' + status + ').'}};
    }
    return {object: json};
  }

  /* ---------- the hidden controller frame ---------- */

  function Controller(stripe) {
    var self = this;
    this.name = nextName('__privateStripeController');
    this.ready = false;
    this.queue = [];
    this.pending = new Map();
    this.seq = 0;
    var src = ORIGIN + '/v3/controller.html#' + hashParams({
      controllerId: this.name,
      origin: location.origin,
      key: stripe._key,
      stripeAccount: stripe._options.stripeAccount,
      apiVersion: stripe._options.apiVersion,
    });
    this.iframe = baseFrame(this.name, src);
    this.iframe.setAttribute('aria-hidden', 'true');
    this.iframe.tabIndex = -1;
    setStyles(this.iframe, {
      border: 'none', margin: '0px', padding: '0px', width: '1px', 'min-width': '100%',
      overflow: 'hidden', display: 'block', visibility: 'hidden', position: 'fixed',
      height: '1px', 'pointer-events': 'none', 'user-select': 'none',
    });
    whenBody(function () {
      document.body.appendChild(self.iframe);
      frameHandlers.set(self.iframe, function (data) { self.onMessage(data); });
    });
  }

  Controller.prototype.onMessage = function (data) {
    if (data.type === 'ready') {
      this.ready = true;
      var queue = this.queue;
      this.queue = [];
      queue.forEach(function (message) { post(this.iframe, message); }, this);
    } else if (data.type === 'response') {
      var resolve = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (resolve) resolve(data.result);
    }
  };

  /* Ask the controller to send card data from the named Element frames to one API path. */
  Controller.prototype.request = function (payload) {
    var self = this;
    return new Promise(function (resolve) {
      self.seq += 1;
      var message = {type: 'request', id: self.seq, payload: payload};
      self.pending.set(self.seq, resolve);
      if (self.ready) post(self.iframe, message);
      else self.queue.push(message);
    });
  };

  /* ---------- Elements ---------- */

  var ELEMENT_TITLES = {
    card: 'Secure card payment input frame',
    cardNumber: 'Secure card number input frame',
    cardExpiry: 'Secure expiration date input frame',
    cardCvc: 'Secure CVC input frame',
  };
  var EVENTS = ['change', 'ready', 'focus', 'blur', 'escape', 'loaderror', 'networkschange'];
  var COMMON_OPTIONS = ['classes', 'style', 'disabled'];
  var ELEMENT_OPTIONS = {
    card: COMMON_OPTIONS.concat(['value', 'hidePostalCode', 'iconStyle', 'hideIcon', 'disableLink', 'preferredNetwork']),
    cardNumber: COMMON_OPTIONS.concat(['placeholder', 'showIcon', 'iconStyle', 'disableLink', 'preferredNetwork']),
    cardExpiry: COMMON_OPTIONS.concat(['placeholder']),
    cardCvc: COMMON_OPTIONS.concat(['placeholder']),
  };
  var DEFAULT_CLASSES = {
    base: 'StripeElement',
    complete: 'StripeElement--complete',
    empty: 'StripeElement--empty',
    focus: 'StripeElement--focus',
    invalid: 'StripeElement--invalid',
    webkitAutofill: 'StripeElement--webkit-autofill',
  };
  var STYLE_VARIANTS = ['base', 'complete', 'empty', 'invalid'];
  var STYLE_PROPERTIES = [
    'backgroundColor', 'color', 'fontFamily', 'fontSize', 'fontSmoothing', 'fontStyle',
    'fontVariant', 'fontWeight', 'iconColor', 'lineHeight', 'letterSpacing', 'textAlign',
    'padding', 'textDecoration', 'textShadow', 'textTransform',
  ];
  var STYLE_PSEUDOS = [':hover', ':focus', '::placeholder', '::selection', ':-webkit-autofill', ':disabled', '::-ms-clear'];

  function checkStyle(style) {
    if (style === undefined) return;
    if (!isPlainObject(style)) throw IntegrationError('Invalid value for style: style should be an object.');
    Object.keys(style).forEach(function (variant) {
      if (STYLE_VARIANTS.indexOf(variant) < 0) {
        warn('Unrecognized `style` parameter: ' + variant + ' is not a recognized parameter. This may cause issues with your integration in the future.');
        return;
      }
      checkStyleVariant(style[variant], 'style.' + variant);
    });
  }

  function checkStyleVariant(variant, path) {
    if (!isPlainObject(variant)) throw IntegrationError('Invalid value for ' + path + ': should be an object.');
    Object.keys(variant).forEach(function (key) {
      if (STYLE_PSEUDOS.indexOf(key) >= 0) {
        checkStyleVariant(variant[key], path + '.' + key);
      } else if (STYLE_PROPERTIES.indexOf(key) < 0) {
        warn('Unrecognized `' + path + '` parameter: ' + key + ' is not a recognized parameter. This may cause issues with your integration in the future.');
      }
    });
  }

  function checkElementOptions(type, options) {
    if (!isPlainObject(options)) throw IntegrationError('Invalid value for create(): options should be an object. You specified: ' + typeof options + '.');
    Object.keys(options).forEach(function (key) {
      if (ELEMENT_OPTIONS[type].indexOf(key) < 0) {
        warn('Unrecognized create() parameter: ' + key + ' is not a recognized parameter. This may cause issues with your integration in the future.');
      }
    });
    checkStyle(options.style);
    if (options.classes !== undefined && !isPlainObject(options.classes)) {
      throw IntegrationError('Invalid value for classes: classes should be an object.');
    }
  }

  function Elements(stripe, options) {
    this._stripe = stripe;
    this._options = {locale: options.locale, fonts: options.fonts || []};
    this._elements = {};
  }

  Elements.prototype.create = function (type, options) {
    if (!ELEMENT_TITLES.hasOwnProperty(type)) {
      throw IntegrationError('A valid Element name must be provided. Valid Elements are: card, cardNumber, cardExpiry, cardCvc; you passed: ' + type + '.');
    }
    options = options === undefined ? {} : options;
    checkElementOptions(type, options);
    if (this._elements[type]) {
      throw IntegrationError('Can only create one Element of type ' + type + '.');
    }
    // The card Element and cardNumber both render a card number: one group takes one of them.
    var rival = {card: 'cardNumber', cardNumber: 'card'}[type];
    if (rival && this._elements[rival]) {
      throw IntegrationError('Cannot create an Element of type ' + type + ' after an Element of type ' + rival + ' has already been created.');
    }
    var element = new Element(this, type, options);
    this._elements[type] = element;
    return element;
  };

  Elements.prototype.getElement = function (type) {
    if (!ELEMENT_TITLES.hasOwnProperty(type)) {
      throw IntegrationError('A valid Element name must be provided. Valid Elements are: card, cardNumber, cardExpiry, cardCvc; you passed: ' + type + '.');
    }
    return this._elements[type] || null;
  };

  Elements.prototype.update = function (options) {
    if (!isPlainObject(options)) throw IntegrationError('Invalid value for elements.update(): should be an object.');
    if (options.locale !== undefined) this._options.locale = options.locale;
    if (options.fonts !== undefined) this._options.fonts = options.fonts;
    Object.keys(this._elements).forEach(function (type) {
      this._elements[type]._send({type: 'group', locale: this._options.locale, fonts: this._options.fonts});
    }, this);
  };

  Elements.prototype._forget = function (element) {
    if (this._elements[element._type] === element) delete this._elements[element._type];
  };

  function Element(group, type, options) {
    this._group = group;
    this._type = type;
    this._options = Object.assign({}, options);
    this._classes = Object.assign({}, DEFAULT_CLASSES, options.classes || {});
    this._listeners = {};
    this._state = {empty: true, complete: false, error: undefined, brand: 'unknown', value: undefined, focused: false, autofilled: false};
    this._container = null;
    this._iframe = null;
    this._ready = false;
    this._queue = [];
    this._destroyed = false;
    this._onLabelClick = this._onLabelClick.bind(this);
  }

  Element.prototype._send = function (message) {
    if (!this._iframe) return;
    if (this._ready) post(this._iframe, message);
    else this._queue.push(message);
  };

  Element.prototype._emit = function (event, payload) {
    var handlers = (this._listeners[event] || []).slice();
    handlers.forEach(function (handler) {
      try {
        handler(payload);
      } catch (error) {
        setTimeout(function () { throw error; });
      }
    });
  };

  Element.prototype._changePayload = function () {
    var s = this._state;
    var payload = {elementType: this._type, empty: s.empty, complete: s.complete, error: s.error, value: undefined};
    if (this._type === 'card' || this._type === 'cardNumber') payload.brand = s.brand;
    if (this._type === 'card') payload.value = s.value || {postalCode: ''};
    return payload;
  };

  Element.prototype._applyClasses = function () {
    var container = this._container;
    if (!container) return;
    var s = this._state;
    var wanted = {
      base: true,
      empty: s.empty,
      complete: s.complete,
      focus: s.focused,
      invalid: Boolean(s.error),
      webkitAutofill: s.autofilled,
    };
    Object.keys(wanted).forEach(function (key) {
      var names = String(this._classes[key] || '').split(/\s+/).filter(Boolean);
      names.forEach(function (name) { container.classList.toggle(name, Boolean(wanted[key])); });
    }, this);
  };

  Element.prototype._removeClasses = function (classes) {
    var container = this._container;
    if (!container) return;
    Object.keys(classes).forEach(function (key) {
      String(classes[key] || '').split(/\s+/).filter(Boolean).forEach(function (name) {
        container.classList.remove(name);
      });
    });
  };

  function initialHeight(style) {
    var base = (style && style.base) || {};
    var fontSize = parseFloat(base.fontSize) || 16;
    var lineHeight = base.lineHeight;
    if (lineHeight === undefined || lineHeight === null || lineHeight === '') return fontSize * 1.2;
    if (/px$/.test(String(lineHeight))) return parseFloat(lineHeight);
    if (/em$/.test(String(lineHeight))) return parseFloat(lineHeight) * fontSize;
    if (/^[\d.]+$/.test(String(lineHeight))) return parseFloat(lineHeight) * fontSize;
    return fontSize * 1.2;
  }

  Element.prototype.mount = function (target) {
    if (this._destroyed) throw IntegrationError('This Element has already been destroyed. Please create a new one.');
    if (this._iframe) throw IntegrationError('This Element is already mounted. Use `unmount()` to unmount the Element before re-mounting.');
    var container = target;
    if (typeof target === 'string') {
      var found = document.querySelectorAll(target);
      if (!found.length) {
        throw IntegrationError('The selector you specified (' + target + ') applies to no DOM elements that are currently on the page.\nMake sure the element exists on the page before calling mount().');
      }
      if (found.length > 1) {
        warn('The selector you specified (' + target + ') applies to ' + found.length + ' DOM elements that are currently on the page.\nThe Stripe Element will be mounted to the first one.');
      }
      container = found[0];
    }
    if (!container || container.nodeType !== 1) {
      throw IntegrationError('Invalid DOM element. Make sure to call mount() with a valid DOM element or selector.');
    }
    if (/^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(container.tagName)) {
      throw IntegrationError('Stripe Elements cannot be mounted in an <' + container.tagName.toLowerCase() + '> element. Please mount them in a <div> instead.');
    }
    if (container.childNodes.length) {
      warn('This Element will be mounted to a DOM element that contains child nodes.');
      while (container.firstChild) container.removeChild(container.firstChild);
    }

    var self = this;
    var name = nextName('__privateStripeFrame');
    var group = this._group;
    var src = ORIGIN + '/v3/elements-inner-card.html#' + hashParams({
      componentName: this._type,
      frameId: name,
      controllerId: group._stripe._controller.name,
      origin: location.origin,
      locale: group._options.locale,
      fonts: group._options.fonts,
      options: this._frameOptions(),
    });
    var wrapper = document.createElement('div');
    wrapper.className = '__PrivateStripeElement';
    setStyles(wrapper, {
      margin: '0px', padding: '0px', border: 'none', display: 'block',
      background: 'transparent', position: 'relative', opacity: '1',
    });
    var iframe = baseFrame(name, src);
    iframe.title = ELEMENT_TITLES[this._type];
    setStyles(iframe, {
      border: 'none', margin: '0px', padding: '0px', width: '1px', 'min-width': '100%',
      overflow: 'hidden', display: 'block', 'user-select': 'none',
      transform: 'translate(0px)', 'color-scheme': 'light only',
    });
    iframe.style.height = initialHeight(this._options.style) + 'px';
    wrapper.appendChild(iframe);

    this._container = container;
    this._wrapper = wrapper;
    this._iframe = iframe;
    this._ready = false;
    this._applyClasses();
    container.appendChild(wrapper);
    frameHandlers.set(iframe, function (data) { self._onFrameMessage(data); });
    document.addEventListener('click', this._onLabelClick, true);
  };

  Element.prototype._frameOptions = function () {
    var o = this._options;
    return {
      style: o.style, placeholder: o.placeholder, disabled: o.disabled, value: o.value,
      hidePostalCode: o.hidePostalCode, iconStyle: o.iconStyle, hideIcon: o.hideIcon,
      showIcon: o.showIcon,
    };
  };

  /* A <label for="container-id"> focuses the Element, like a label for an input. */
  Element.prototype._onLabelClick = function (event) {
    var container = this._container;
    if (!container || !container.id || !event.target || !event.target.closest) return;
    var label = event.target.closest('label');
    if (label && label.htmlFor === container.id) {
      event.preventDefault();
      this.focus();
    }
  };

  Element.prototype._onFrameMessage = function (data) {
    var s = this._state;
    switch (data.type) {
      case 'ready':
        this._ready = true;
        this._send({type: 'update', options: this._frameOptions()});
        var queue = this._queue;
        this._queue = [];
        queue.forEach(function (message) { post(this._iframe, message); }, this);
        if (this._type === 'cardCvc') this._relayBrand();
        this._emit('ready', {elementType: this._type});
        break;
      case 'resize':
        if (this._iframe && typeof data.height === 'number') this._iframe.style.height = data.height + 'px';
        break;
      case 'change':
        s.empty = Boolean(data.state.empty);
        s.complete = Boolean(data.state.complete);
        s.error = data.state.error || undefined;
        s.brand = data.state.brand || 'unknown';
        s.value = data.state.value;
        this._applyClasses();
        if (this._type === 'cardNumber') this._relayBrand();
        this._emit('change', this._changePayload());
        break;
      case 'focus':
        s.focused = true;
        this._applyClasses();
        this._emit('focus', {elementType: this._type});
        break;
      case 'blur':
        s.focused = false;
        this._applyClasses();
        this._emit('blur', {elementType: this._type});
        break;
      case 'autofill':
        s.autofilled = Boolean(data.autofilled);
        this._applyClasses();
        break;
      case 'escape':
        this._emit('escape', {elementType: this._type});
        break;
      case 'submit':
        var form = this._container && this._container.closest('form');
        if (form) {
          if (form.requestSubmit) form.requestSubmit();
          else form.dispatchEvent(new Event('submit', {bubbles: true, cancelable: true}));
        }
        break;
    }
  };

  /* The CVC frame needs the card brand (Amex takes 4 digits); brands are not secret. */
  Element.prototype._relayBrand = function () {
    var number = this._group._elements.cardNumber;
    var cvc = this._group._elements.cardCvc;
    if (cvc) cvc._send({type: 'brand', brand: number ? number._state.brand : 'unknown'});
  };

  Element.prototype.on = function (event, handler) {
    if (EVENTS.indexOf(event) < 0) {
      throw IntegrationError('Invalid value for on(): event should be one of the following strings: ' + EVENTS.join(', ') + '. You specified: ' + event + '.');
    }
    if (typeof handler !== 'function') {
      throw IntegrationError('Invalid value for on(): handler should be a function. You specified: ' + typeof handler + '.');
    }
    (this._listeners[event] = this._listeners[event] || []).push(handler);
    return this;
  };
  Element.prototype.addEventListener = Element.prototype.on;

  Element.prototype.once = function (event, handler) {
    var self = this;
    function wrapped(payload) {
      self.off(event, wrapped);
      handler(payload);
    }
    wrapped._original = handler;
    return this.on(event, wrapped);
  };

  Element.prototype.off = function (event, handler) {
    if (event === undefined) {
      this._listeners = {};
    } else if (handler === undefined) {
      delete this._listeners[event];
    } else if (this._listeners[event]) {
      this._listeners[event] = this._listeners[event].filter(function (h) {
        return h !== handler && h._original !== handler;
      });
    }
    return this;
  };
  Element.prototype.removeEventListener = Element.prototype.off;

  Element.prototype.update = function (options) {
    if (this._destroyed) throw IntegrationError('This Element has already been destroyed. Please create a new one.');
    options = options || {};
    checkElementOptions(this._type, options);
    if (options.classes) {
      this._removeClasses(this._classes);
      this._classes = Object.assign({}, this._classes, options.classes);
      this._applyClasses();
    }
    if (options.style) {
      var style = Object.assign({}, this._options.style || {});
      Object.keys(options.style).forEach(function (variant) {
        style[variant] = Object.assign({}, style[variant] || {}, options.style[variant]);
      });
      options = Object.assign({}, options, {style: style});
    }
    Object.assign(this._options, options);
    // Only what changed: a full resend would put `value` back over what was typed since.
    this._send({type: 'update', options: options});
  };

  Element.prototype.focus = function () {
    if (!this._iframe) return;
    // Move the page's focus into our frame first: the frame may only focus its input then.
    this._iframe.focus();
    this._send({type: 'focus'});
  };

  Element.prototype.blur = function () {
    this._send({type: 'blur'});
  };

  Element.prototype.clear = function () {
    this._send({type: 'clear'});
  };

  Element.prototype.unmount = function () {
    if (this._destroyed) throw IntegrationError('This Element has already been destroyed. Please create a new one.');
    if (!this._iframe) return;
    frameHandlers.delete(this._iframe);
    document.removeEventListener('click', this._onLabelClick, true);
    if (this._wrapper.parentNode) this._wrapper.parentNode.removeChild(this._wrapper);
    this._removeClasses(this._classes);
    this._container = null;
    this._wrapper = null;
    this._iframe = null;
    this._ready = false;
    this._queue = [];
    this._state = {empty: true, complete: false, error: undefined, brand: 'unknown', value: undefined, focused: false, autofilled: false};
  };

  Element.prototype.destroy = function () {
    if (this._destroyed) throw IntegrationError('This Element has already been destroyed. Please create a new one.');
    this.unmount();
    this._destroyed = true;
    this._listeners = {};
    this._group._forget(this);
  };

  /* The frame names whose card fields make up one card, for the controller. */
  function cardFrames(element) {
    if (!(element instanceof Element)) return null;
    if (element._destroyed || !element._iframe) {
      throw IntegrationError('We could not retrieve data from the specified Element.\nPlease make sure the Element you are attempting to use is still mounted.');
    }
    if (element._type === 'card') return [{type: 'card', name: element._iframe.name}];
    if (element._type !== 'cardNumber') {
      throw IntegrationError('Invalid value for card: please pass a card or cardNumber Element. You specified: ' + element._type + '.');
    }
    var frames = [];
    ['cardNumber', 'cardExpiry', 'cardCvc'].forEach(function (type) {
      var el = element._group._elements[type];
      if (el && el._iframe) frames.push({type: type, name: el._iframe.name});
    });
    return frames;
  }

  /* ---------- 3-D Secure challenge modal ---------- */

  function challengeUrl(url) {
    var parsed = new URL(url, ORIGIN);
    // The modal must be ours: its messages are trusted by origin.
    return ORIGIN + parsed.pathname + parsed.search;
  }

  /* A full-page modal frame on the emulator's origin (3-D Secure, the bank dialog): focused once
     it is ready, removed when it posts `doneType`, focus handed back; resolves its outcome. */
  function runModal(name, src, title, doneType, scrollable) {
    return new Promise(function (resolve) {
      var iframe = baseFrame(name, src);
      iframe.title = title;
      if (scrollable) iframe.removeAttribute('scrolling');
      setStyles(iframe, {
        position: 'fixed', top: '0px', left: '0px', width: '100%', height: '100%',
        border: 'none', margin: '0px', padding: '0px', 'z-index': '2147483647',
        background: 'transparent', display: 'block', 'color-scheme': 'light only',
      });
      var previousFocus = document.activeElement;
      whenBody(function () {
        document.body.appendChild(iframe);
        frameHandlers.set(iframe, function (data) {
          if (data.type === 'ready') {
            iframe.focus();
          } else if (data.type === doneType) {
            frameHandlers.delete(iframe);
            iframe.parentNode.removeChild(iframe);
            if (previousFocus && previousFocus.focus) previousFocus.focus();
            resolve(data.outcome);
          }
        });
      });
    });
  }

  function runChallenge(stripe, url) {
    var name = nextName('__privateStripeFrame');
    var src = challengeUrl(url) + '#' + hashParams({origin: location.origin, key: stripe._key, frameId: name});
    return runModal(name, src, '3D Secure authentication', 'challenge-complete');
  }

  /* ---------- intents ---------- */

  function parseClientSecret(clientSecret, method, kinds) {
    var match = typeof clientSecret === 'string' && /^((pi|seti)_.+?)_secret_[^\s]+$/.exec(clientSecret);
    if (!match || kinds.indexOf(match[2]) < 0) {
      throw IntegrationError('Invalid value for ' + method + ': clientSecret should be a client secret of the form ${id}_secret_${secret}. You specified: ' + clientSecret + '.');
    }
    return {id: match[1], kind: match[2]};
  }

  var INTENTS = {
    pi: {path: '/v1/payment_intents/', key: 'paymentIntent', errorKey: 'payment_intent'},
    seti: {path: '/v1/setup_intents/', key: 'setupIntent', errorKey: 'setup_intent'},
  };

  function intentResult(kind, intent) {
    var info = INTENTS[kind];
    var error = kind === 'pi' ? intent.last_payment_error : intent.last_setup_error;
    if (error && intent.status === 'requires_payment_method') {
      var result = Object.assign({}, error);
      result[info.errorKey] = intent;
      return {error: result};
    }
    var ok = {};
    ok[info.key] = intent;
    return ok;
  }

  /* ---------- embedded Checkout ---------- */

  // One embedded Checkout per page, as Stripe.js allows.
  var embeddedCheckout = null;
  var CHECKOUT_MSG = '__stripeEmulatorCheckout';

  function EmbeddedCheckout(clientSecret, options) {
    this._id = clientSecret.split('_secret_')[0];
    this._secret = clientSecret;
    this._onComplete = options.onComplete;
    this._iframe = null;
    this._destroyed = false;
    this._onMessage = this._onMessage.bind(this);
  }

  EmbeddedCheckout.prototype.mount = function (target) {
    if (this._destroyed) throw IntegrationError('This Embedded Checkout has been destroyed. Create a new one with ' + (RELEASE.renamed.initEmbeddedCheckout || 'initEmbeddedCheckout') + '.');
    if (this._iframe) throw IntegrationError('This Embedded Checkout is already mounted.');
    var container = typeof target === 'string' ? document.querySelector(target) : target;
    if (!container || !container.appendChild) {
      throw IntegrationError('Invalid mount target: no element matches ' + target + '.');
    }
    var src = ORIGIN + '/c/pay/' + encodeURIComponent(this._id) +
      '?client_secret=' + encodeURIComponent(this._secret) +
      '#' + hashParams({origin: location.origin});
    var iframe = baseFrame('embedded-checkout', src);
    iframe.title = 'Embedded Checkout';
    iframe.setAttribute('scrolling', 'auto');
    setStyles(iframe, {border: 'none', width: '100%', height: '640px', display: 'block',
                       'color-scheme': 'light only'});
    container.appendChild(iframe);
    this._iframe = iframe;
    window.addEventListener('message', this._onMessage);
  };

  EmbeddedCheckout.prototype._onMessage = function (event) {
    var data = event.data;
    if (!this._iframe || event.origin !== ORIGIN || event.source !== this._iframe.contentWindow) return;
    if (!isPlainObject(data) || data[CHECKOUT_MSG] !== 1) return;
    if (data.type === 'resize' && data.height > 0) {
      this._iframe.style.setProperty('height', Math.ceil(data.height) + 'px', 'important');
    } else if (data.type === 'complete') {
      if (data.redirectUrl) window.location.assign(data.redirectUrl);
      else if (typeof this._onComplete === 'function') this._onComplete();
    }
  };

  EmbeddedCheckout.prototype.unmount = function () {
    if (!this._iframe) return;
    window.removeEventListener('message', this._onMessage);
    if (this._iframe.parentNode) this._iframe.parentNode.removeChild(this._iframe);
    this._iframe = null;
  };

  EmbeddedCheckout.prototype.destroy = function () {
    this.unmount();
    this._destroyed = true;
    if (embeddedCheckout === this) embeddedCheckout = null;
  };

  /* initEmbeddedCheckout({fetchClientSecret | clientSecret, onComplete}) → Promise of the
     embedded Checkout; createEmbeddedCheckoutPage is its name from Stripe.js dahlia on. */
  function initEmbeddedCheckout(method, options) {
    if (!isPlainObject(options)) {
      return Promise.reject(IntegrationError('Invalid value for ' + method + ': options should be an object.'));
    }
    var fetchSecret = options.fetchClientSecret;
    if (typeof fetchSecret !== 'function' && typeof options.clientSecret !== 'string') {
      return Promise.reject(IntegrationError('Invalid value for ' + method + ': fetchClientSecret should be a function that returns a Promise of the Checkout Session\'s client secret.'));
    }
    if (embeddedCheckout) {
      return Promise.reject(IntegrationError('You cannot have multiple Embedded Checkout objects. Call destroy() on the existing one first.'));
    }
    var placeholder = {};
    embeddedCheckout = placeholder;
    var secret = typeof fetchSecret === 'function' ? Promise.resolve().then(fetchSecret) : Promise.resolve(options.clientSecret);
    return secret.then(function (clientSecret) {
      if (typeof clientSecret !== 'string' || !/^cs_[^\s]+_secret_[^\s]+$/.test(clientSecret)) {
        throw IntegrationError('Invalid client secret for ' + method + ': expected the client_secret of a Checkout Session, got ' + clientSecret + '.');
      }
      var checkout = new EmbeddedCheckout(clientSecret, options);
      if (embeddedCheckout === placeholder) embeddedCheckout = checkout;
      return checkout;
    }).catch(function (error) {
      if (embeddedCheckout === placeholder) embeddedCheckout = null;
      throw error;
    });
  }

  function Stripe(key, options) {
    if (!(this instanceof Stripe)) return new Stripe(key, options);
    if (typeof key !== 'string' || !key) {
      throw IntegrationError('Please call Stripe() with your publishable key. You used an empty string.');
    }
    if (/^sk_/.test(key)) {
      throw IntegrationError('You should not use your secret key with Stripe.js.\nPlease pass a publishable key instead.');
    }
    if (/^pk_live_/.test(key) && location.protocol !== 'https:') {
      warn('You may test your Stripe.js integration over HTTP. However, live Stripe.js integrations must use HTTPS.');
    }
    options = options || {};
    if (!isPlainObject(options)) throw IntegrationError('Invalid value for Stripe(): options should be an object.');
    Object.keys(options).forEach(function (name) {
      if (['stripeAccount', 'apiVersion', 'locale', 'betas', 'developerTools'].indexOf(name) < 0) {
        warn('Unrecognized Stripe() parameter: ' + name + ' is not a recognized parameter. This may cause issues with your integration in the future.');
      }
    });
    this._key = key;
    this._options = options;
    this._controller = new Controller(this);
  }

  Stripe.__emulator = true;
  Stripe.version = 3;

  Stripe.prototype.elements = function (options) {
    options = options === undefined ? {} : options;
    if (!isPlainObject(options)) throw IntegrationError('Invalid value for elements(): options should be an object.');
    return new Elements(this, options);
  };

  Stripe.prototype.registerAppInfo = function () {};

  /* Sends card data from Elements frames to `path` through the controller. */
  Stripe.prototype._withCard = function (frames, path, params, cardAt) {
    return this._controller.request({frames: frames, path: path, params: params, cardAt: cardAt})
      .then(function (result) {
        if (result.error) return {error: result.error};
        return apiResult(result.status, result.body);
      });
  };

  Stripe.prototype.createPaymentMethod = function (typeOrData, elementOrData, data) {
    var params;
    if (typeof typeOrData === 'string') {
      if (elementOrData instanceof Element) {
        params = Object.assign({}, data || {}, {type: typeOrData, card: elementOrData});
      } else {
        params = Object.assign({}, elementOrData || {}, {type: typeOrData});
      }
    } else if (isPlainObject(typeOrData)) {
      params = Object.assign({}, typeOrData);
    } else {
      throw IntegrationError('Invalid value for createPaymentMethod: should be an object with a `type`. You specified: ' + typeOrData + '.');
    }
    if (params.type !== 'card') {
      throw IntegrationError('Invalid value for createPaymentMethod: type should be card (the only type the local Stripe emulator supports). You specified: ' + params.type + '.');
    }
    var card = params.card;
    delete params.card;
    var done = function (result) {
      return result.error ? {error: result.error} : {paymentMethod: result.object};
    };
    var frames = cardFrames(card);
    if (frames) {
      return this._withCard(frames, '/v1/payment_methods', params, []).then(done);
    }
    if (isPlainObject(card) && card.token) {
      params.card = {token: card.token};
      return api(this, 'POST', '/v1/payment_methods', params).then(done);
    }
    throw IntegrationError('Invalid value for createPaymentMethod: card should be object or element. You specified: ' + (card === null ? 'null' : typeof card) + '.');
  };

  Stripe.prototype._confirm = function (method, clientSecret, data, options) {
    var self = this;
    var secret = parseClientSecret(clientSecret, method, [method === 'confirmCardSetup' ? 'seti' : 'pi']);
    var info = INTENTS[secret.kind];
    data = data || {};
    if (!isPlainObject(data)) throw IntegrationError('Invalid value for ' + method + ': data should be an object.');
    var handleActions = !(options && options.handleActions === false);
    var params = Object.assign({}, data, {client_secret: clientSecret});
    var path = info.path + encodeURIComponent(secret.id) + '/confirm';
    var pm = params.payment_method;
    var request;
    if (isPlainObject(pm) && pm.card instanceof Element) {
      var pmData = Object.assign({type: 'card'}, pm);
      var frames = cardFrames(pm.card);
      delete pmData.card;
      delete params.payment_method;
      params.payment_method_data = pmData;
      request = this._withCard(frames, path, params, ['payment_method_data']);
    } else {
      if (isPlainObject(pm)) {
        delete params.payment_method;
        params.payment_method_data = Object.assign({type: 'card'}, pm);
      }
      request = api(this, 'POST', path, params);
    }
    return request.then(function (result) {
      if (result.error) return {error: result.error};
      var intent = result.object;
      if (intent.status === 'requires_action' && handleActions) {
        return self._nextAction(secret.kind, intent);
      }
      return intentResult(secret.kind, intent);
    });
  };

  Stripe.prototype.confirmCardPayment = function (clientSecret, data, options) {
    return this._confirm('confirmCardPayment', clientSecret, data, options);
  };

  Stripe.prototype.confirmCardSetup = function (clientSecret, data, options) {
    return this._confirm('confirmCardSetup', clientSecret, data, options);
  };

  Stripe.prototype._retrieve = function (kind, id, clientSecret) {
    return api(this, 'GET', INTENTS[kind].path + encodeURIComponent(id), {client_secret: clientSecret});
  };

  Stripe.prototype.retrievePaymentIntent = function (clientSecret) {
    var secret = parseClientSecret(clientSecret, 'retrievePaymentIntent', ['pi']);
    return this._retrieve('pi', secret.id, clientSecret).then(function (result) {
      return result.error ? {error: result.error} : {paymentIntent: result.object};
    });
  };

  Stripe.prototype.retrieveSetupIntent = function (clientSecret) {
    var secret = parseClientSecret(clientSecret, 'retrieveSetupIntent', ['seti']);
    return this._retrieve('seti', secret.id, clientSecret).then(function (result) {
      return result.error ? {error: result.error} : {setupIntent: result.object};
    });
  };

  /* Runs the intent's next action (the 3-D Secure modal), then reports the intent as it is after. */
  Stripe.prototype._nextAction = function (kind, intent) {
    var self = this;
    var action = intent.next_action || {};
    var sdk = action.use_stripe_sdk || {};
    if (action.type === 'redirect_to_url' && action.redirect_to_url && action.redirect_to_url.url) {
      window.location.assign(action.redirect_to_url.url);
      return new Promise(function () {});
    }
    if (action.type !== 'use_stripe_sdk' || !sdk.stripe_js) {
      return Promise.resolve({error: {
        type: 'invalid_request_error',
        message: 'The next action of this intent (' + action.type + ') is not supported by the local Stripe emulator.',
      }});
    }
    return runChallenge(this, sdk.stripe_js).then(function () {
      return self._retrieve(kind, intent.id, intent.client_secret);
    }).then(function (result) {
      if (result.error) return {error: result.error};
      var after = result.object;
      if (after.status === 'requires_action') {
        var error = {
          type: 'invalid_request_error',
          code: kind === 'pi' ? 'payment_intent_authentication_failure' : 'setup_intent_authentication_failure',
          message: 'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
        };
        error[INTENTS[kind].errorKey] = after;
        return {error: error};
      }
      return intentResult(kind, after);
    });
  };

  Stripe.prototype._handle = function (method, clientSecret, kinds, manualOnly) {
    var self = this;
    var secret = parseClientSecret(clientSecret, method, kinds);
    return this._retrieve(secret.kind, secret.id, clientSecret).then(function (result) {
      if (result.error) return {error: result.error};
      var intent = result.object;
      var errorKey = INTENTS[secret.kind].errorKey;
      var error;
      if (manualOnly && intent.confirmation_method && intent.confirmation_method !== 'manual') {
        error = {type: 'invalid_request_error', message: method + ': The PaymentIntent supplied does not require manual server-side confirmation. Please use confirmCardPayment instead to complete the payment.'};
      } else if (intent.status !== 'requires_action') {
        error = {type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: method + ': The ' + (secret.kind === 'pi' ? 'PaymentIntent' : 'SetupIntent') + ' supplied is not in the requires_action state (its status is ' + intent.status + ').'};
      }
      if (error) {
        error[errorKey] = intent;
        return {error: error};
      }
      return self._nextAction(secret.kind, intent);
    });
  };

  Stripe.prototype.handleCardAction = function (clientSecret) {
    return this._handle('handleCardAction', clientSecret, ['pi'], true);
  };

  Stripe.prototype.handleNextAction = function (options) {
    if (!isPlainObject(options) || typeof options.clientSecret !== 'string') {
      throw IntegrationError('Invalid value for handleNextAction: options.clientSecret should be a string.');
    }
    return this._handle('handleNextAction', options.clientSecret, ['pi', 'seti'], false);
  };

  Stripe.prototype.handleCardSetup = function (clientSecret) {
    return this._handle('handleCardSetup', clientSecret, ['seti'], false);
  };

  Stripe.prototype.initEmbeddedCheckout = function (options) {
    return initEmbeddedCheckout('initEmbeddedCheckout', options);
  };

  Stripe.prototype.createEmbeddedCheckoutPage = function (options) {
    return initEmbeddedCheckout('createEmbeddedCheckoutPage', options);
  };

  /* ---------- ACH Direct Debit: the bank dialog, confirmation, microdeposits ---------- */

  /* Opens the bank dialog (emulator origin) over the page; resolves 'collected' or 'canceled'. */
  function runBankDialog(stripe, intentId, clientSecret, billing) {
    var name = nextName('__privateStripeFrame');
    var src = ORIGIN + '/v3/linked-accounts-inner.html#' + hashParams({
      origin: location.origin, key: stripe._key, frameId: name, intent: intentId,
      clientSecret: clientSecret, billing: billing,
    });
    return runModal(name, src, 'Link your bank account', 'bank-complete', true);
  }

  /* collectBankAccountForPayment / …ForSetup: `kind` is the intent's ('pi' or 'seti'). */
  Stripe.prototype._collectBankAccount = function (method, kind, options) {
    var self = this;
    if (!isPlainObject(options)) throw IntegrationError('Invalid value for ' + method + ': options should be an object.');
    var secret = parseClientSecret(options.clientSecret, method, [kind]);
    var params = options.params;
    if (!isPlainObject(params) || params.payment_method_type !== 'us_bank_account') {
      throw IntegrationError('Invalid value for ' + method + ': params.payment_method_type should be us_bank_account.');
    }
    var data = params.payment_method_data || {};
    var billing = data.billing_details || {};
    if (typeof billing.name !== 'string' || !billing.name) {
      throw IntegrationError('Invalid value for ' + method + ': params.payment_method_data.billing_details.name should be a non-empty string.');
    }
    return runBankDialog(this, secret.id, options.clientSecret, billing).then(function () {
      var query = {client_secret: options.clientSecret};
      if (options.expand) query.expand = options.expand;
      return api(self, 'GET', INTENTS[kind].path + encodeURIComponent(secret.id), query);
    }).then(function (result) {
      if (result.error) return {error: result.error};
      var ok = {};
      ok[INTENTS[kind].key] = result.object;
      return ok;
    });
  };

  Stripe.prototype.collectBankAccountForPayment = function (options) {
    return this._collectBankAccount('collectBankAccountForPayment', 'pi', options);
  };

  Stripe.prototype.collectBankAccountForSetup = function (options) {
    return this._collectBankAccount('collectBankAccountForSetup', 'seti', options);
  };

  Stripe.prototype._confirmUsBankAccount = function (method, kind, clientSecret, data) {
    var secret = parseClientSecret(clientSecret, method, [kind]);
    data = data || {};
    if (!isPlainObject(data)) throw IntegrationError('Invalid value for ' + method + ': data should be an object.');
    var params = Object.assign({}, data, {client_secret: clientSecret});
    if (isPlainObject(params.payment_method)) {
      params.payment_method_data = Object.assign({type: 'us_bank_account'}, params.payment_method);
      delete params.payment_method;
    }
    // The customer accepted the mandate on this page: Stripe.js reports it as online acceptance.
    if (!params.mandate_data && !params.mandate) {
      params.mandate_data = {customer_acceptance: {type: 'online', online: {infer_from_client: true}}};
    }
    return api(this, 'POST', INTENTS[kind].path + encodeURIComponent(secret.id) + '/confirm', params)
      .then(function (result) {
        return result.error ? {error: result.error} : intentResult(kind, result.object);
      });
  };

  Stripe.prototype.confirmUsBankAccountPayment = function (clientSecret, data) {
    return this._confirmUsBankAccount('confirmUsBankAccountPayment', 'pi', clientSecret, data);
  };

  Stripe.prototype.confirmUsBankAccountSetup = function (clientSecret, data) {
    return this._confirmUsBankAccount('confirmUsBankAccountSetup', 'seti', clientSecret, data);
  };

  Stripe.prototype._verifyMicrodeposits = function (method, kind, clientSecret, data) {
    var secret = parseClientSecret(clientSecret, method, [kind]);
    if (!isPlainObject(data) || (data.amounts === undefined) === (data.descriptor_code === undefined)) {
      throw IntegrationError('Invalid value for ' + method + ': data should have either amounts or descriptor_code.');
    }
    var params = {client_secret: clientSecret};
    if (data.amounts !== undefined) params.amounts = data.amounts;
    else params.descriptor_code = data.descriptor_code;
    return api(this, 'POST', INTENTS[kind].path + encodeURIComponent(secret.id) + '/verify_microdeposits', params)
      .then(function (result) {
        if (result.error) return {error: result.error};
        var ok = {};
        ok[INTENTS[kind].key] = result.object;
        return ok;
      });
  };

  Stripe.prototype.verifyMicrodepositsForPayment = function (clientSecret, data) {
    return this._verifyMicrodeposits('verifyMicrodepositsForPayment', 'pi', clientSecret, data);
  };

  Stripe.prototype.verifyMicrodepositsForSetup = function (clientSecret, data) {
    return this._verifyMicrodeposits('verifyMicrodepositsForSetup', 'seti', clientSecret, data);
  };

  /* No wallet exists here; Stripe.js answers canMakePayment() with null in such browsers. */
  Stripe.prototype.paymentRequest = function (options) {
    var listeners = {};
    return {
      canMakePayment: function () { return Promise.resolve(null); },
      show: function () { throw IntegrationError('paymentRequest.show(): no wallet is available in the local Stripe emulator.'); },
      update: function () {},
      abort: function () {},
      isShowing: function () { return false; },
      on: function (event, handler) { (listeners[event] = listeners[event] || []).push(handler); return this; },
      off: function (event) { delete listeners[event]; return this; },
      _options: options,
    };
  };

  /* ---------- the release: what it took out throws, what came later is not there ---------- */

  function thrower(message) {
    return function () { throw IntegrationError(message); };
  }

  RELEASE.absent.forEach(function (method) { delete Stripe.prototype[method]; });
  Object.keys(RELEASE.removed).forEach(function (method) {
    Stripe.prototype[method] = thrower('stripe.' + method + '() has been removed from Stripe.js ' +
      RELEASE.release + '. Use ' + RELEASE.removed[method] + ' instead.');
  });
  Object.keys(RELEASE.renamed).forEach(function (method) {
    Stripe.prototype[method] = thrower('stripe.' + method + '() has been renamed in Stripe.js ' +
      RELEASE.release + ': call stripe.' + RELEASE.renamed[method] + '() instead (same options ' +
      'and result).');
  });

  window.Stripe = Stripe;
})();
