// @ts-check

const SEPARATORS = new Set(["-", "_", "."]);

/**
 * The URL slug of `text`: accents removed, lowercase, runs of anything but ASCII letters and
 * digits turned into one `separator`, at most `maxLength` characters cut at a word boundary.
 *
 * @param {string} text the title or phrase to turn into a slug
 * @param {{ separator?: "-" | "_" | "."; maxLength?: number }} [options]
 * @returns {string} the slug, "" when `text` has no letters or digits
 * @throws {TypeError} when `text` is not a string
 * @throws {RangeError} when `separator` is not "-", "_" or ".", or `maxLength` is not a positive integer
 */
export function slugify(text, options = {}) {
  if (typeof text !== "string") throw new TypeError(`text must be a string, got ${typeof text}`);
  const separator = options.separator ?? "-";
  if (!SEPARATORS.has(separator)) {
    throw new RangeError(`separator must be "-", "_" or ".", got ${JSON.stringify(separator)}`);
  }
  const { maxLength } = options;
  if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 1)) {
    throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
  }
  const words = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
  const slug = words.join(separator);
  return maxLength === undefined ? slug : cut(words, separator, maxLength);
}

/**
 * The longest run of whole `words` joined by `separator` that fits in `maxLength`, or the first
 * word cut to `maxLength` when even it does not fit.
 *
 * @param {string[]} words
 * @param {string} separator
 * @param {number} maxLength
 * @returns {string}
 */
function cut(words, separator, maxLength) {
  let slug = "";
  for (const word of words) {
    const next = slug === "" ? word : `${slug}${separator}${word}`;
    if (next.length > maxLength) break;
    slug = next;
  }
  const [first = ""] = words;
  return slug === "" ? first.slice(0, maxLength) : slug;
}
