/*
 * Test harness for the Stripe.js look-alike: mounts the three split card Elements and the card
 * Element, records every Element event in window.events, CSP violations in window.cspViolations,
 * and runs Stripe.js calls for the tests through window.harness (results in window.results).
 */
(function () {
  'use strict';

  window.events = [];
  window.cspViolations = [];
  window.results = {};
  document.addEventListener('securitypolicyviolation', function (event) {
    window.cspViolations.push({directive: event.violatedDirective, blocked: event.blockedURI});
  });

  var stripe = Stripe(document.body.getAttribute('data-publishable-key'));
  var style = {
    base: {
      color: 'rgb(17, 34, 51)',
      fontSize: '18px',
      lineHeight: '24px',
      fontFamily: 'Georgia, serif',
      iconColor: 'rgb(0, 0, 255)',
      '::placeholder': {color: 'rgb(119, 136, 153)'},
    },
    complete: {color: 'rgb(0, 128, 0)'},
    invalid: {color: 'rgb(255, 0, 0)'},
  };

  var split = stripe.elements({locale: 'en'});
  var cardNumber = split.create('cardNumber', {style: style, showIcon: true});
  var cardExpiry = split.create('cardExpiry', {style: style});
  var cardCvc = split.create('cardCvc', {style: style, placeholder: 'CVV'});
  cardNumber.mount('#card-number');
  cardExpiry.mount('#card-expiry');
  cardCvc.mount(document.getElementById('card-cvc'));

  var cardGroup = stripe.elements();
  var card = cardGroup.create('card', {
    style: style,
    classes: {complete: 'is-done'},
    value: {postalCode: '94110'},
  });
  card.mount('#card-element');

  var elements = {cardNumber: cardNumber, cardExpiry: cardExpiry, cardCvc: cardCvc, card: card};
  Object.keys(elements).forEach(function (name) {
    ['ready', 'change', 'focus', 'blur'].forEach(function (type) {
      elements[name].on(type, function (payload) {
        window.events.push(Object.assign({event: type}, payload));
      });
    });
  });

  var billing = {name: 'Jenny Rosen'};
  var calls = {
    createPaymentMethod: function (which) {
      return stripe.createPaymentMethod({type: 'card', card: elements[which], billing_details: billing});
    },
    createPaymentMethodPositional: function (which) {
      return stripe.createPaymentMethod('card', elements[which], {billing_details: billing});
    },
    handleCardAction: function (clientSecret) {
      return stripe.handleCardAction(clientSecret);
    },
    handleNextAction: function (clientSecret) {
      return stripe.handleNextAction({clientSecret: clientSecret});
    },
    confirmCardPayment: function (clientSecret, which) {
      return stripe.confirmCardPayment(clientSecret, {
        payment_method: {card: elements[which], billing_details: billing},
      });
    },
    confirmWithoutActions: function (clientSecret, which) {
      return stripe.confirmCardPayment(clientSecret, {
        payment_method: {card: elements[which], billing_details: billing},
      }, {handleActions: false});
    },
    confirmWithPaymentMethod: function (clientSecret, paymentMethod) {
      return stripe.confirmCardPayment(clientSecret, {payment_method: paymentMethod});
    },
    retrievePaymentIntent: function (clientSecret) {
      return stripe.retrievePaymentIntent(clientSecret);
    },
    collectBankAccount: function (clientSecret, name, email) {
      return stripe.collectBankAccountForPayment({
        clientSecret: clientSecret,
        params: {
          payment_method_type: 'us_bank_account',
          payment_method_data: {billing_details: {name: name, email: email}},
        },
        expand: ['payment_method'],
      });
    },
    confirmUsBankAccountPayment: function (clientSecret) {
      return stripe.confirmUsBankAccountPayment(clientSecret);
    },
    verifyMicrodeposits: function (clientSecret, data) {
      return stripe.verifyMicrodepositsForPayment(clientSecret, data);
    },
    confirmCardSetup: function (clientSecret, which) {
      return stripe.confirmCardSetup(clientSecret, {
        payment_method: {card: elements[which], billing_details: billing},
      });
    },
    collectBankAccountForSetup: function (clientSecret, name, email) {
      return stripe.collectBankAccountForSetup({
        clientSecret: clientSecret,
        params: {
          payment_method_type: 'us_bank_account',
          payment_method_data: {billing_details: {name: name, email: email}},
        },
      });
    },
    confirmUsBankAccountSetup: function (clientSecret) {
      return stripe.confirmUsBankAccountSetup(clientSecret);
    },
    verifyMicrodepositsForSetup: function (clientSecret, data) {
      return stripe.verifyMicrodepositsForSetup(clientSecret, data);
    },
  };

  window.harness = {
    stripe: stripe,
    groups: {split: split, card: cardGroup},
    elements: elements,
    /* Starts a call; its result lands in window.results[key]. */
    start: function (key, call) {
      var args = Array.prototype.slice.call(arguments, 2);
      delete window.results[key];
      calls[call].apply(null, args).then(function (result) {
        window.results[key] = JSON.parse(JSON.stringify(result));
      }, function (error) {
        window.results[key] = {thrown: {name: error.name, message: error.message}};
      });
    },
  };
})();
