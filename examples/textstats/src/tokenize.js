// SPDX-License-Identifier: MIT

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/**
 * Split text into lowercase words: runs of letters or digits, keeping inner apostrophes and
 * hyphens ("don't", "well-known").
 * @param {string} text
 * @returns {string[]}
 */
export function tokenize(text) {
  return Array.from(text.matchAll(WORD), (match) => match[0].toLowerCase());
}
