/*
 * The Checkout page (hosted, or inside the embedded frame): card Elements from Stripe.js on this
 * same origin, paid through /v1/payment_pages/<session>/confirm. A 3-D Secure card answers
 * requires_action: Stripe.js runs the challenge, then the page asks again. A bank account is
 * linked in Stripe.js's bank dialog and confirmed with confirmUsBankAccountPayment. Once the session is
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
  var button = document.getElementById('pay');
  var errorBox = document.getElementById('payment-error');
  var email = document.getElementById('email');
  var holder = document.getElementById('account-holder');
  var cardSection = document.getElementById('card-section');
  var bankSection = document.getElementById('bank-section');
  var fields = {};
  var fieldErrors = {};
  var ready = 0;

  function method() {
    var chosen = form.querySelector('input[name="method"]:checked');
    return chosen ? chosen.value : (cardSection ? 'card' : 'us_bank_account');
  }

  form.addEventListener('change', function (event) {
    if (event.target.name !== 'method') return;
    if (cardSection) cardSection.hidden = method() !== 'card';
    if (bankSection) bankSection.hidden = method() !== 'us_bank_account';
    showError('');
  });

  function showError(message) {
    errorBox.textContent = message || '';
  }

  if (cardSection) {
    var elements = stripe.elements();
    fields = {
      cardNumber: elements.create('cardNumber', {showIcon: true}),
      cardExpiry: elements.create('cardExpiry'),
      cardCvc: elements.create('cardCvc'),
    };
  } else {
    button.disabled = false;
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
    // The shipping address and rate, when the session collects them: sent with every confirm.
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!/^shipping_/.test(field.name) || (field.type === 'radio' && !field.checked)) return;
      params[field.name] = field.value.trim();
    });
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

  function payByCard() {
    return stripe.createPaymentMethod({type: 'card', card: fields.cardNumber,
                                       billing_details: {email: email.value}})
      .then(function (result) {
        if (result.error) throw result.error;
        return confirmSession({payment_method: result.paymentMethod.id, email: email.value});
      });
  }

  /* The bank dialog links the account to the session's PaymentIntent; pressing Pay accepted
     the mandate shown above it. */
  function payByBank() {
    var secret;
    return confirmSession({payment_method_type: 'us_bank_account', email: email.value})
      .then(function (state) {
        if (state.error) throw state.error;
        secret = state.payment_intent_client_secret;
        return stripe.collectBankAccountForPayment({clientSecret: secret, params: {
          payment_method_type: 'us_bank_account',
          payment_method_data: {billing_details: {name: holder.value, email: email.value}},
        }});
      })
      .then(function (result) {
        if (result.error) throw result.error;
        if (result.paymentIntent.status === 'requires_payment_method') {
          throw {message: 'No bank account was linked. Press Pay to try again.'};
        }
        return stripe.confirmUsBankAccountPayment(secret);
      })
      .then(function (result) {
        if (result.error) throw result.error;
        return confirmSession({email: email.value});
      });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!email.value || !email.checkValidity()) {
      showError(email.value ? 'Your email address is invalid.' : 'Enter your email address.');
      email.focus();
      return;
    }
    var missing = Array.prototype.find.call(form.querySelectorAll('.Checkout-address [required]'),
                                            function (field) { return !field.value.trim(); });
    if (missing) {
      showError('Enter your shipping address.');
      missing.focus();
      return;
    }
    var byBank = method() === 'us_bank_account';
    if (byBank && !holder.value.trim()) {
      showError("Enter the account holder's full name.");
      holder.focus();
      return;
    }
    busy(true);
    showError('');
    (byBank ? payByBank() : payByCard())
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
