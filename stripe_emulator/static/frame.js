/*
 * One card Element frame (emulator origin): cardNumber, cardExpiry, cardCvc or the card Element.
 * It formats and validates what is typed, tells the host page only the field states (empty,
 * complete, error, brand), and hands the card fields to its Stripe instance's controller frame
 * (same origin) when asked.
 */
(function () {
  'use strict';

  var R = window.CardRules;
  var link = window.HostLink, MSG = link.MSG, hash = link.hash, hostOrigin = link.hostOrigin;
  var toHost = link.toHost;
  var SVG = 'http://www.w3.org/2000/svg';
  var component = hash.get('componentName');
  var controllerId = hash.get('controllerId');

  function parseJSON(text) {
    try {
      return text ? JSON.parse(text) : null;
    } catch (e) {
      return null;
    }
  }

  var LAYOUTS = {
    card: ['number', 'expiry', 'cvc', 'postal'],
    cardNumber: ['number'],
    cardExpiry: ['expiry'],
    cardCvc: ['cvc'],
  };
  if (!LAYOUTS[component] || !link.framedByHost()) return;

  var FIELDS = {
    number: {name: 'cardnumber', autocomplete: 'cc-number', inputmode: 'numeric', label: 'Credit or debit card number', placeholder: 'Card number'},
    expiry: {name: 'exp-date', autocomplete: 'cc-exp', inputmode: 'numeric', label: 'Credit or debit card expiration date', placeholder: 'MM / YY'},
    cvc: {name: 'cvc', autocomplete: 'cc-csc', inputmode: 'numeric', label: 'Credit or debit card CVC/CVV', placeholder: 'CVC'},
    postal: {name: 'postal', autocomplete: 'postal-code', inputmode: 'text', label: 'ZIP', placeholder: 'ZIP'},
  };
  var BRAND_LABELS = {
    visa: 'VISA', mastercard: 'MC', amex: 'AMEX', discover: 'DISC',
    diners: 'DC', jcb: 'JCB', unionpay: 'UP', unknown: '',
  };

  var options = {};
  var relayedBrand = 'unknown'; // the cardNumber Element's brand, for a cardCvc frame
  var focused = false;
  var lastSent = null;
  var started = false;
  var fields = {};
  var order = LAYOUTS[component];

  /* ---------- DOM ---------- */

  var root = document.getElementById('root');
  root.classList.add('ElementsApp', 'ElementsApp--' + component);
  var row = document.createElement('div');
  row.className = 'CardField CardField--' + component;
  root.appendChild(row);

  var icon = null;
  if (component === 'card' || component === 'cardNumber') {
    icon = document.createElementNS(SVG, 'svg');
    icon.setAttribute('class', 'CardBrandIcon');
    icon.setAttribute('viewBox', '0 0 24 16');
    icon.setAttribute('aria-hidden', 'true');
    icon.setAttribute('focusable', 'false');
    var rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('class', 'CardBrandIcon-card');
    rect.setAttribute('x', '0.75');
    rect.setAttribute('y', '0.75');
    rect.setAttribute('width', '22.5');
    rect.setAttribute('height', '14.5');
    rect.setAttribute('rx', '2');
    var stripe = document.createElementNS(SVG, 'rect');
    stripe.setAttribute('class', 'CardBrandIcon-stripe');
    stripe.setAttribute('x', '0.75');
    stripe.setAttribute('y', '3.5');
    stripe.setAttribute('width', '22.5');
    stripe.setAttribute('height', '2.5');
    var label = document.createElementNS(SVG, 'text');
    label.setAttribute('class', 'CardBrandIcon-label');
    label.setAttribute('x', '12');
    label.setAttribute('y', '11');
    label.setAttribute('text-anchor', 'middle');
    icon.appendChild(rect);
    icon.appendChild(stripe);
    icon.appendChild(label);
    row.appendChild(icon);
  }

  order.forEach(function (key) {
    var spec = FIELDS[key];
    var wrap = document.createElement('span');
    wrap.className = 'CardField-' + key + ' InputContainer';
    var input = document.createElement('input');
    input.className = 'InputElement is-empty Input Input--empty';
    input.type = 'text';
    input.name = spec.name;
    input.setAttribute('autocomplete', spec.autocomplete);
    input.setAttribute('autocorrect', 'off');
    input.setAttribute('spellcheck', 'false');
    input.setAttribute('inputmode', spec.inputmode);
    input.setAttribute('aria-label', spec.label);
    input.setAttribute('aria-invalid', 'false');
    input.placeholder = spec.placeholder;
    wrap.appendChild(input);
    row.appendChild(wrap);
    fields[key] = {key: key, input: input, wrap: wrap, state: null, showBlurError: false};
    input.addEventListener('input', function (event) { onInput(key, event); });
    input.addEventListener('blur', function () { onFieldBlur(key); });
    input.addEventListener('keydown', onKeyDown);
    input.addEventListener('animationstart', onAutofill);
  });

  // Stripe's card Element on a narrow screen: a complete number the customer has moved on from
  // shows only its last four digits (its fakeNumber-last4), so the expiry and CVC stay in view.
  var last4 = null;
  if (component === 'card') {
    last4 = document.createElement('span');
    last4.className = 'CardField-number-fakeNumber-last4 InputElement';
    last4.setAttribute('aria-hidden', 'true');
    fields.number.wrap.appendChild(last4);
    last4.addEventListener('mousedown', function (event) {
      event.preventDefault();
      fields.number.input.focus();
    });
    fields.number.input.addEventListener('focus', fitNumber);
  }

  function fitNumber() {
    if (!last4) return;
    var number = fields.number;
    var input = number.input;
    // The input keeps its width while hidden, so it measures the same collapsed or not.
    var collapse = document.activeElement !== input && Boolean(number.state && number.state.complete) &&
      input.scrollWidth > input.clientWidth;
    last4.textContent = collapse ? input.value.replace(/\D/g, '').slice(-4) : '';
    number.wrap.classList.toggle('CardField-number--collapsed', collapse);
  }

  var userStyle = document.createElement('style');
  document.head.appendChild(userStyle);

  /* ---------- state ---------- */

  function activeKeys() {
    return order.filter(function (key) { return !(key === 'postal' && options.hidePostalCode); });
  }

  function currentBrand() {
    return fields.number ? fields.number.state.brand : relayedBrand;
  }

  function format(key, value, deleting) {
    switch (key) {
      case 'number': return R.formatNumber(value);
      case 'expiry': return R.formatExpiry(value, deleting);
      case 'cvc': return R.formatCvc(value, currentBrand());
      default: return R.formatPostal(value);
    }
  }

  function validate(key, value) {
    switch (key) {
      case 'number': return R.validateNumber(value);
      case 'expiry': return R.validateExpiry(value);
      case 'cvc': return R.validateCvc(value, currentBrand());
      default: return R.validatePostal(value);
    }
  }

  function shownError(field) {
    return field.state.error || (field.showBlurError ? field.state.blurError : undefined);
  }

  function revalidate() {
    order.forEach(function (key) {
      var field = fields[key];
      field.state = validate(key, field.input.value);
    });
  }

  function publicState() {
    var keys = activeKeys();
    var state = {
      empty: keys.every(function (k) { return fields[k].state.empty; }),
      complete: keys.every(function (k) { return fields[k].state.complete; }),
      error: undefined,
    };
    for (var i = 0; i < keys.length; i++) {
      var error = shownError(fields[keys[i]]);
      if (error) {
        state.error = error;
        break;
      }
    }
    if (fields.number) state.brand = fields.number.state.brand;
    if (component === 'card') {
      state.value = {postalCode: options.hidePostalCode ? '' : fields.postal.input.value.trim()};
    }
    return state;
  }

  function paint(state) {
    order.forEach(function (key) {
      var field = fields[key];
      var invalid = Boolean(shownError(field));
      var input = field.input;
      input.classList.toggle('is-empty', field.state.empty);
      input.classList.toggle('Input--empty', field.state.empty);
      input.classList.toggle('is-complete', field.state.complete);
      input.classList.toggle('is-invalid', invalid);
      input.classList.toggle('Input--invalid', invalid);
      input.setAttribute('aria-invalid', String(invalid));
    });
    root.classList.toggle('is-empty', state.empty);
    root.classList.toggle('is-complete', state.complete);
    root.classList.toggle('is-invalid', Boolean(state.error));
    root.classList.toggle('is-focused', focused);
    if (icon) {
      var brand = state.brand || 'unknown';
      icon.setAttribute('data-brand', brand);
      icon.lastChild.textContent = BRAND_LABELS[brand] || '';
    }
  }

  /* Repaints, and tells the host when the value changed or the state it sees did. */
  function refresh(valueChanged) {
    revalidate();
    var state = publicState();
    paint(state);
    fitNumber();
    var serial = JSON.stringify(state);
    if (!started) {
      lastSent = serial;
    } else if (valueChanged || serial !== lastSent) {
      lastSent = serial;
      toHost({type: 'change', state: state});
    }
  }

  /* ---------- typing ---------- */

  function significant(text) {
    return text.replace(/[^A-Za-z0-9]/g, '').length;
  }

  function positionAfter(text, count) {
    if (count <= 0) return 0;
    var seen = 0;
    for (var i = 0; i < text.length; i++) {
      if (/[A-Za-z0-9]/.test(text[i])) seen += 1;
      if (seen === count) return i + 1;
    }
    return text.length;
  }

  function onInput(key, event) {
    var field = fields[key];
    var input = field.input;
    var deleting = Boolean(event.inputType) && event.inputType.indexOf('delete') === 0;
    var raw = input.value;
    var caret = input.selectionStart === null ? raw.length : input.selectionStart;
    var atEnd = caret >= raw.length;
    var formatted = format(key, raw, deleting);
    if (formatted !== raw) {
      var keep = significant(raw.slice(0, caret));
      input.value = formatted;
      var position = atEnd ? formatted.length : positionAfter(formatted, keep);
      input.setSelectionRange(position, position);
    }
    field.showBlurError = false;
    if (key === 'number' && fields.cvc) {
      fields.cvc.input.value = format('cvc', fields.cvc.input.value);
    }
    refresh(true);
    if (!deleting && atEnd && field.state.complete) advance(key);
  }

  /* In the card Element, a complete field moves the caret on to the next one. */
  function advance(key) {
    var keys = activeKeys();
    var next = keys[keys.indexOf(key) + 1];
    if (next && component === 'card') fields[next].input.focus();
  }

  function onFieldBlur(key) {
    var field = fields[key];
    if (!field.state.empty) field.showBlurError = true;
    refresh(false);
  }

  function onKeyDown(event) {
    var input = event.target;
    if (event.key === 'Backspace' && component === 'card' && input.selectionStart === 0 &&
        input.selectionEnd === 0) {
      // Backspace at the start of a field goes back into the one before, as in Stripe's.
      var keys = activeKeys();
      var here = keys.filter(function (key) { return fields[key].input === input; })[0];
      var before = keys[keys.indexOf(here) - 1];
      if (before) {
        event.preventDefault();
        var previous = fields[before].input;
        previous.focus();
        previous.setSelectionRange(previous.value.length, previous.value.length);
      }
    }
    if (event.key === 'Escape') toHost({type: 'escape'});
    if (event.key === 'Enter') {
      event.preventDefault();
      toHost({type: 'submit'});
    }
  }

  function onAutofill(event) {
    if (event.animationName === 'ElementsAutofillStart') toHost({type: 'autofill', autofilled: true});
    if (event.animationName === 'ElementsAutofillCancel') toHost({type: 'autofill', autofilled: false});
  }

  function isOurInput(node) {
    return order.some(function (key) { return fields[key].input === node; });
  }

  document.addEventListener('focusin', function () {
    if (!focused) {
      focused = true;
      root.classList.add('is-focused');
      toHost({type: 'focus'});
    }
  });
  document.addEventListener('focusout', function () {
    setTimeout(function () {
      if (focused && (!document.hasFocus() || !isOurInput(document.activeElement))) {
        focused = false;
        root.classList.remove('is-focused');
        toHost({type: 'blur'});
      }
    }, 0);
  });

  /* ---------- options ---------- */

  var CSS_PROPERTIES = {
    backgroundColor: 'background-color', color: 'color', fontFamily: 'font-family',
    fontSize: 'font-size', fontSmoothing: '-webkit-font-smoothing', fontStyle: 'font-style',
    fontVariant: 'font-variant', fontWeight: 'font-weight', lineHeight: 'line-height',
    letterSpacing: 'letter-spacing', textAlign: 'text-align', padding: 'padding',
    textDecoration: 'text-decoration', textShadow: 'text-shadow', textTransform: 'text-transform',
  };
  var PSEUDOS = [':hover', ':focus', '::placeholder', '::selection', ':-webkit-autofill', ':disabled'];
  var VARIANTS = {base: '', complete: '.is-complete', empty: '.is-empty', invalid: '.is-invalid'};
  var ROOT_FONT = ['fontFamily', 'fontSize', 'fontWeight', 'fontStyle', 'letterSpacing', 'fontSmoothing'];

  function cssValue(value) {
    if (typeof value === 'number') value = String(value);
    if (typeof value !== 'string') return null;
    if (/[;{}<>\\]|\/\*|url\s*\(|expression\s*\(|@import/i.test(value)) return null;
    return value;
  }

  function declarations(variant, only) {
    var out = [];
    Object.keys(variant).forEach(function (name) {
      if (!CSS_PROPERTIES[name] || (only && only.indexOf(name) < 0)) return;
      var value = cssValue(variant[name]);
      if (value !== null) out.push(CSS_PROPERTIES[name] + ': ' + value);
    });
    return out;
  }

  function lineBox(value) {
    value = cssValue(value);
    if (value === null) return null;
    return /^[\d.]+$/.test(value) ? value + 'em' : value;
  }

  function styleRules(selector, variant, css) {
    var decls = declarations(variant);
    if (variant.lineHeight !== undefined) {
      var box = lineBox(variant.lineHeight);
      if (box) decls.push('height: ' + box, 'line-height: ' + box);
    }
    if (decls.length) css.push(selector + ' { ' + decls.join('; ') + ' }');
    PSEUDOS.forEach(function (pseudo) {
      if (variant[pseudo] && typeof variant[pseudo] === 'object') {
        styleRules(selector + pseudo, variant[pseudo], css);
      }
    });
  }

  function styleSheet(style) {
    var css = [];
    if (!style || typeof style !== 'object') return '';
    Object.keys(VARIANTS).forEach(function (name) {
      var variant = style[name];
      if (!variant || typeof variant !== 'object') return;
      var state = VARIANTS[name];
      if (name === 'base') {
        var font = declarations(variant, ROOT_FONT);
        if (font.length) css.push('.ElementsApp { ' + font.join('; ') + ' }');
      }
      styleRules('.InputElement' + state, variant, css);
      var iconColor = cssValue(variant.iconColor);
      if (iconColor !== null && variant.iconColor !== undefined) {
        css.push((state ? '.ElementsApp' + state + ' ' : '') + '.CardBrandIcon { color: ' + iconColor + ' }');
      }
    });
    return css.join('\n');
  }

  function loadFonts(fonts) {
    (Array.isArray(fonts) ? fonts : []).forEach(function (font) {
      if (!font || typeof font !== 'object') return;
      if (font.cssSrc) {
        var link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = font.cssSrc;
        document.head.appendChild(link);
      } else if (font.family && font.src && window.FontFace) {
        var face = new FontFace(font.family, font.src, {
          weight: font.weight || 'normal', style: font.style || 'normal',
          unicodeRange: font.unicodeRange || 'U+0-10FFFF', display: font.display || 'auto',
        });
        face.load().then(function (loaded) { document.fonts.add(loaded); }, function () {});
      }
    });
  }

  function applyOptions(update) {
    if (!update || typeof update !== 'object') return;
    Object.keys(update).forEach(function (name) {
      if (update[name] !== undefined) options[name] = update[name];
    });
    if (update.style !== undefined) userStyle.textContent = styleSheet(options.style);
    if (update.placeholder !== undefined && order.length === 1) {
      fields[order[0]].input.placeholder = String(update.placeholder);
    }
    if (update.disabled !== undefined) {
      order.forEach(function (key) { fields[key].input.disabled = Boolean(options.disabled); });
    }
    if (fields.postal) fields.postal.wrap.hidden = Boolean(options.hidePostalCode);
    if (icon) {
      var show = component === 'card' ? !options.hideIcon : Boolean(options.showIcon);
      icon.style.display = show ? '' : 'none';
      icon.classList.toggle('CardBrandIcon--solid', options.iconStyle === 'solid');
    }
    if (update.value && typeof update.value === 'object' && fields.postal &&
        update.value.postalCode !== undefined) {
      fields.postal.input.value = R.formatPostal(update.value.postalCode);
    }
    refresh(false);
  }

  function clear() {
    order.forEach(function (key) {
      fields[key].input.value = '';
      fields[key].showBlurError = false;
    });
    refresh(true);
  }

  /* ---------- the controller asks for the card ---------- */

  function findController() {
    var frames = window.parent.frames;
    try {
      var named = frames[controllerId];
      if (named && named !== window.parent) return named;
    } catch (e) { /* fall through */ }
    for (var i = 0; i < frames.length; i++) {
      try {
        if (frames[i].name === controllerId) return frames[i];
      } catch (e) { /* cross-origin sibling */ }
    }
    return null;
  }

  function collected() {
    // Submitting shows every error, empty fields included, as Stripe does.
    activeKeys().forEach(function (key) { fields[key].showBlurError = true; });
    refresh(false);
    var out = {};
    var errors = {};
    activeKeys().forEach(function (key) {
      var field = fields[key];
      var state = field.state;
      if (!state.complete) {
        errors[key] = state.error || state.blurError;
        return;
      }
      var value = field.input.value;
      if (key === 'number') out.number = R.digitsOf(value);
      if (key === 'expiry') {
        out.exp_month = state.month;
        out.exp_year = state.year;
      }
      if (key === 'cvc') out.cvc = R.digitsOf(value);
      if (key === 'postal') out.postal = value.trim();
    });
    return {fields: out, errors: errors};
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || data[MSG] !== 1) return;
    if (event.source === window.parent && event.origin === hostOrigin) {
      switch (data.type) {
        case 'update': applyOptions(data.options); break;
        case 'focus': fields[order[0]].input.focus(); break;
        case 'blur': if (isOurInput(document.activeElement)) document.activeElement.blur(); break;
        case 'clear': clear(); break;
        case 'brand':
          relayedBrand = data.brand || 'unknown';
          if (fields.cvc) fields.cvc.input.value = format('cvc', fields.cvc.input.value);
          refresh(false);
          break;
        case 'group': loadFonts(data.fonts); break;
      }
    } else if (event.origin === location.origin && data.type === 'collect' &&
               event.source && event.source === findController()) {
      var reply = collected();
      reply.type = 'collected';
      reply.reqId = data.reqId;
      reply[MSG] = 1;
      event.source.postMessage(reply, location.origin);
    }
  });

  /* ---------- start ---------- */

  applyOptions(parseJSON(hash.get('options')) || {});
  loadFonts(parseJSON(hash.get('fonts')));
  started = true;
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      fitNumber();
      toHost({type: 'resize', height: root.getBoundingClientRect().height});
    }).observe(root);
  }
  toHost({type: 'ready'});
})();
