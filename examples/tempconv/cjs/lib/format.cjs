"use strict";

const { SCALES } = require("./convert.cjs");

/**
 * Round half away from zero to `digits` decimals.
 * @param {number} value
 * @param {number} digits
 * @returns {number}
 */
function roundHalfAway(value, digits) {
  const factor = 10 ** digits;
  return (Math.sign(value) * Math.round(Math.abs(value) * factor)) / factor;
}

/**
 * A reading for people: "21.5 °C", "70.3 °F", "300 K".
 * @param {number} value
 * @param {string} scale
 * @param {number} [digits]
 * @returns {string}
 */
function format(value, scale, digits = 1) {
  if (!SCALES.includes(scale)) {
    throw new RangeError(`unknown temperature scale: ${scale} (use C, F or K)`);
  }
  const text = roundHalfAway(value, digits).toFixed(digits);
  return scale === "K" ? `${text} K` : `${text} °${scale}`;
}

module.exports = { format };
