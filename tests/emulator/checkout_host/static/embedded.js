// The shop's embedded Checkout, as Stripe's quickstart writes it; `window.checkout` and
// `window.problems` let the tests look at it.
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});

var stripe = Stripe(document.body.dataset.publishableKey);

function fetchClientSecret() {
  return fetch('/embedded-session?redirect=' + document.body.dataset.redirect, {method: 'POST'})
    .then(function (response) { return response.json(); })
    .then(function (json) { return json.clientSecret; });
}

// initEmbeddedCheckout, or createEmbeddedCheckoutPage (its name from Stripe.js dahlia on).
var method = document.body.dataset.method;

window.start = function (option) {
  var init = option === 'clientSecret'
    ? fetchClientSecret().then(function (secret) { return stripe[method]({clientSecret: secret}); })
    : Promise.resolve().then(function () {  // a method a release removed throws at once
      return stripe[method]({fetchClientSecret: fetchClientSecret, onComplete: function () {
        window.completed = (window.completed || 0) + 1;
      }});
    });
  return init.then(function (checkout) {
    window.checkout = checkout;
    checkout.mount('#checkout');
    return 'mounted';
  }, function (error) {
    return error.name + ': ' + error.message;
  });
};

window.started = window.start(document.body.dataset.option);
