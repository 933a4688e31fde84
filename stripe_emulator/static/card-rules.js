/*
 * Card field rules of the Element frames: brand detection, formatting as typed, and the
 * validation errors Stripe Elements report. Pure functions; frame.js does the DOM.
 *
 * Each validate* returns {empty, complete, error, blurError}: `error` shows at once (an invalid
 * value), `blurError` only once the field loses focus or the card is submitted (incomplete).
 */
(function (root) {
  'use strict';

  var BRANDS = [
    {brand: 'amex', prefix: /^3[47]/, lengths: [15], groups: [4, 6, 5], cvc: [4]},
    {brand: 'diners', prefix: /^36/, lengths: [14], groups: [4, 6, 4], cvc: [3]},
    {brand: 'diners', prefix: /^(30[0-59]|3[89])/, lengths: [16], groups: [4, 4, 4, 4], cvc: [3]},
    {brand: 'jcb', prefix: /^(352[89]|35[3-8])/, lengths: [16], groups: [4, 4, 4, 4], cvc: [3]},
    {brand: 'unionpay', prefix: /^(62|81)/, lengths: [16, 17, 18, 19], groups: [4, 4, 4, 4, 3], cvc: [3], noLuhn: true},
    {brand: 'discover', prefix: /^(6011|64[4-9]|65)/, lengths: [16], groups: [4, 4, 4, 4], cvc: [3]},
    {brand: 'mastercard', prefix: /^(5[1-5]|222[1-9]|22[3-9]|2[3-6]|27[01]|2720)/, lengths: [16], groups: [4, 4, 4, 4], cvc: [3]},
    {brand: 'visa', prefix: /^4/, lengths: [16], groups: [4, 4, 4, 4], cvc: [3]},
  ];
  var UNKNOWN = {brand: 'unknown', lengths: [16], groups: [4, 4, 4, 4], cvc: [3, 4]};

  var MESSAGES = {
    incomplete_number: 'Your card number is incomplete.',
    incorrect_number: 'Your card number is invalid.',
    incomplete_expiry: "Your card's expiration date is incomplete.",
    invalid_expiry_month: "Your card's expiration month is invalid.",
    invalid_expiry_year: "Your card's expiration year is invalid.",
    invalid_expiry_year_past: "Your card's expiration year is in the past.",
    invalid_expiry_month_past: "Your card's expiration date is in the past.",
    incomplete_cvc: "Your card's security code is incomplete.",
    incomplete_zip: 'Your postal code is incomplete.',
  };

  function error(code) {
    return {type: 'validation_error', code: code, message: MESSAGES[code]};
  }

  function digitsOf(value) {
    return String(value || '').replace(/\D/g, '');
  }

  function brandInfo(digits) {
    for (var i = 0; i < BRANDS.length; i++) {
      if (BRANDS[i].prefix.test(digits)) return BRANDS[i];
    }
    return UNKNOWN;
  }

  function luhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return sum % 10 === 0;
  }

  function maxLength(info) {
    return Math.max.apply(null, info.lengths);
  }

  function formatNumber(raw) {
    var digits = digitsOf(raw);
    var info = brandInfo(digits);
    digits = digits.slice(0, maxLength(info));
    var parts = [];
    var start = 0;
    for (var i = 0; i < info.groups.length && start < digits.length; i++) {
      parts.push(digits.slice(start, start + info.groups[i]));
      start += info.groups[i];
    }
    return parts.join(' ');
  }

  function validateNumber(raw) {
    var digits = digitsOf(raw);
    var info = brandInfo(digits);
    var result = {empty: !digits, complete: false, error: undefined, blurError: undefined, brand: info.brand};
    if (!digits) {
      result.brand = 'unknown';
      result.blurError = error('incomplete_number');
      return result;
    }
    var fullLength = info.lengths.indexOf(digits.length) >= 0;
    var passes = info.noLuhn || luhn(digits);
    if (fullLength && passes) {
      result.complete = true;
    } else if (fullLength && digits.length >= maxLength(info)) {
      result.error = error('incorrect_number');
    } else {
      result.blurError = error(fullLength ? 'incorrect_number' : 'incomplete_number');
    }
    return result;
  }

  /* "MM / YY" as typed: "4" -> "04 / ", "12" -> "12 / ", "1/" -> "01 / ". */
  function parseExpiry(raw) {
    raw = String(raw || '');
    var month;
    var year;
    var slash = raw.indexOf('/');
    if (slash >= 0) {
      month = digitsOf(raw.slice(0, slash));
      year = digitsOf(raw.slice(slash + 1));
      if (month.length === 1) month = '0' + month;
      if (month.length > 2) {
        year = month.slice(2) + year;
        month = month.slice(0, 2);
      }
    } else {
      var digits = digitsOf(raw);
      if (digits.length && Number(digits[0]) > 1) digits = '0' + digits;
      month = digits.slice(0, 2);
      year = digits.slice(2);
    }
    if (year.length === 4 && /^20/.test(year)) year = year.slice(2);
    return {month: month, year: year.slice(0, 2), hadSlash: slash >= 0};
  }

  function formatExpiry(raw, deleting) {
    var parsed = parseExpiry(raw);
    if (!parsed.month) return '';
    if (parsed.year) return parsed.month + ' / ' + parsed.year;
    if (parsed.month.length === 2 && !deleting) return parsed.month + ' / ';
    return parsed.month;
  }

  function validateExpiry(raw, now) {
    now = now || new Date();
    var parsed = parseExpiry(raw);
    var result = {empty: !parsed.month && !parsed.year, complete: false, error: undefined, blurError: undefined};
    if (result.empty) {
      result.blurError = error('incomplete_expiry');
      return result;
    }
    var month = Number(parsed.month);
    if (parsed.month.length === 2 && (month < 1 || month > 12)) {
      result.error = error('invalid_expiry_month');
      return result;
    }
    if (parsed.month.length < 2 || parsed.year.length < 2) {
      result.blurError = error('incomplete_expiry');
      return result;
    }
    var year = 2000 + Number(parsed.year);
    var thisYear = now.getFullYear();
    if (year < thisYear) {
      result.error = error('invalid_expiry_year_past');
    } else if (year === thisYear && month < now.getMonth() + 1) {
      result.error = error('invalid_expiry_month_past');
    } else if (year > thisYear + 50) {
      result.error = error('invalid_expiry_year');
    } else {
      result.complete = true;
      result.month = month;
      result.year = year;
    }
    return result;
  }

  function cvcLengths(brand) {
    for (var i = 0; i < BRANDS.length; i++) {
      if (BRANDS[i].brand === brand) return BRANDS[i].cvc;
    }
    return UNKNOWN.cvc;
  }

  function formatCvc(raw, brand) {
    var lengths = cvcLengths(brand);
    return digitsOf(raw).slice(0, Math.max.apply(null, lengths));
  }

  function validateCvc(raw, brand) {
    var digits = digitsOf(raw);
    var result = {empty: !digits, complete: false, error: undefined, blurError: undefined};
    if (cvcLengths(brand).indexOf(digits.length) >= 0) result.complete = true;
    else result.blurError = error('incomplete_cvc');
    return result;
  }

  function formatPostal(raw) {
    return String(raw || '').replace(/[^A-Za-z0-9 -]/g, '').slice(0, 10);
  }

  function validatePostal(raw) {
    var value = String(raw || '').trim();
    var result = {empty: !value, complete: Boolean(value), error: undefined, blurError: undefined};
    if (!value) result.blurError = error('incomplete_zip');
    return result;
  }

  root.CardRules = {
    brandOf: function (raw) { return validateNumber(raw).brand; },
    digitsOf: digitsOf,
    luhn: luhn,
    formatNumber: formatNumber,
    validateNumber: validateNumber,
    parseExpiry: parseExpiry,
    formatExpiry: formatExpiry,
    validateExpiry: validateExpiry,
    formatCvc: formatCvc,
    validateCvc: validateCvc,
    formatPostal: formatPostal,
    validatePostal: validatePostal,
  };
})(typeof window !== 'undefined' ? window : globalThis);
