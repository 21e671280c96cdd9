// @ts-check

/** The scales this module knows: Celsius, Fahrenheit and Kelvin. */
export const SCALES = /** @type {const} */ (["C", "F", "K"]);

/** @typedef {typeof SCALES[number]} Scale */

/**
 * @param {string} scale
 * @returns {asserts scale is Scale}
 */
function checkScale(scale) {
  if (!SCALES.includes(/** @type {Scale} */ (scale))) {
    throw new RangeError(`unknown temperature scale: ${scale} (use C, F or K)`);
  }
}

/**
 * @param {number} value
 * @param {Scale} scale
 * @returns {number}
 */
function toKelvin(value, scale) {
  if (scale === "K") return value;
  if (scale === "C") return value + 273.15;
  return ((value - 32) * 5) / 9 + 273.15;
}

/**
 * @param {number} kelvin
 * @param {Scale} scale
 * @returns {number}
 */
function fromKelvin(kelvin, scale) {
  if (scale === "K") return kelvin;
  if (scale === "C") return kelvin - 273.15;
  return ((kelvin - 273.15) * 9) / 5 + 32;
}

/**
 * Convert a temperature from one scale to another.
 * @param {number} value
 * @param {string} from
 * @param {string} to
 * @returns {number}
 */
export function convert(value, from, to) {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`temperature must be a finite number, got ${String(value)}`);
  }
  checkScale(from);
  checkScale(to);
  const kelvin = toKelvin(value, from);
  if (kelvin < 0) throw new RangeError(`${value} ${from} is below absolute zero`);
  if (from === to) return value;
  return Number(fromKelvin(kelvin, to).toFixed(10));
}
