/*
 * The Checkout page (hosted, or inside the embedded frame): card Elements from Stripe.js on this
 * same origin, paid through /v1/payment_pages/<session>/confirm. A 3-D Secure card answers
 * requires_action: Stripe.js runs the challenge, then the page asks again. Once the session is
 * complete a hosted page goes to the success URL; an embedded one tells the shop's Stripe.js,
 * which moves the shop's page to the return URL.
 */
(function () {
  'use strict';

  var MSG = '__stripeEmulatorCheckout';
  var body = document.body;
  var hash = new URLSearchParams(location.hash.slice(1));
  var parentOrigin = hash.get('origin');
  var embedded = Boolean(body.dataset.clientSecret) && window.parent !== window && parentOrigin;

  function tellParent(message) {
    if (!embedded) return;
    message[MSG] = 1;
    window.parent.postMessage(message, parentOrigin);
  }

  // The shop's page sizes the frame to the page's content.
  if (embedded && window.ResizeObserver) {
    new ResizeObserver(function () {
      tellParent({type: 'resize', height: document.documentElement.scrollHeight});
    }).observe(document.documentElement);
  }

  function finish(redirectUrl) {
    if (embedded) tellParent({type: 'complete', redirectUrl: redirectUrl || null});
    if (redirectUrl && !embedded) window.location.assign(redirectUrl);
    else if (!redirectUrl) window.location.reload();   // the page then says it is paid
  }

  var form = document.getElementById('payment-form');
  if (!form) return;

  var stripe = Stripe(body.dataset.key);
  var elements = stripe.elements();
  var fields = {
    cardNumber: elements.create('cardNumber', {showIcon: true}),
    cardExpiry: elements.create('cardExpiry'),
    cardCvc: elements.create('cardCvc'),
  };
  var button = document.getElementById('pay');
  var errorBox = document.getElementById('payment-error');
  var email = document.getElementById('email');
  var fieldErrors = {};
  var ready = 0;

  function showError(message) {
    errorBox.textContent = message || '';
  }

  Object.keys(fields).forEach(function (type) {
    var element = fields[type];
    element.mount({cardNumber: '#card-number', cardExpiry: '#card-expiry', cardCvc: '#card-cvc'}[type]);
    element.on('ready', function () {
      ready += 1;
      if (ready === 3) button.disabled = false;
    });
    element.on('change', function (event) {
      fieldErrors[type] = event.error ? event.error.message : '';
      var shown = Object.keys(fieldErrors).map(function (k) { return fieldErrors[k]; }).filter(Boolean);
      showError(shown[0]);
    });
  });

  function busy(on) {
    button.disabled = on;
    button.textContent = on ? 'Processing…' : 'Pay';
    form.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  function confirmSession(params) {
    params.client_secret = body.dataset.clientSecret;
    var query = new URLSearchParams();
    Object.keys(params).forEach(function (name) {
      if (params[name]) query.append(name, params[name]);
    });
    return fetch('/v1/payment_pages/' + encodeURIComponent(body.dataset.session) + '/confirm', {
      method: 'POST',
      headers: {Authorization: 'Bearer ' + body.dataset.key,
                'Content-Type': 'application/x-www-form-urlencoded'},
      body: query.toString(),
      credentials: 'omit',
    }).then(function (response) {
      return response.json();
    }, function () {
      return {error: {message: 'We could not reach Stripe. Check your connection and try again.'}};
    });
  }

  function settle(state) {
    if (state.error) throw state.error;
    if (state.status === 'complete') {
      finish(state.redirect_url);
      return;
    }
    if (state.requires_action) {
      return stripe.handleNextAction({clientSecret: state.payment_intent_client_secret})
        .then(function (result) {
          if (result.error) throw result.error;
          return confirmSession({email: email.value}).then(settle);
        });
    }
    throw {message: 'Your payment could not be completed. Please try again.'};
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!email.value || !email.checkValidity()) {
      showError(email.value ? 'Your email address is invalid.' : 'Enter your email address.');
      email.focus();
      return;
    }
    busy(true);
    showError('');
    stripe.createPaymentMethod({type: 'card', card: fields.cardNumber,
                                billing_details: {email: email.value}})
      .then(function (result) {
        if (result.error) throw result.error;
        return confirmSession({payment_method: result.paymentMethod.id, email: email.value});
      })
      .then(settle)
      .then(function () {
        form.setAttribute('aria-busy', 'false');
        button.textContent = 'Paid';
      }, function (error) {
        busy(false);
        showError(error && error.message);
        if (error && error.type === 'invalid_request_error' && /expired/.test(error.message || '')) {
          window.location.reload();   // the page then says the session has expired
        }
      });
  });
})();
