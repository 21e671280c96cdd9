// SPDX-License-Identifier: MIT

import { tokenize } from "./tokenize.js";

/**
 * @typedef {{ word: string, count: number }} WordCount
 * @typedef {{ lines: number, words: number, characters: number, averageWordLength: number, top: WordCount[] }} Report
 */

/**
 * Statistics of a text.
 * @param {string} text
 * @param {{ top?: number }} [options]
 * @returns {Report}
 */
export function analyze(text, options = {}) {
  const top = options.top ?? 5;
  const words = tokenize(text);
  const letters = words.reduce((sum, word) => sum + [...word].length, 0);
  return {
    lines: countLines(text),
    words: words.length,
    characters: [...text].length,
    averageWordLength: words.length === 0 ? 0 : Math.round((letters / words.length) * 100) / 100,
    top: topWords(words, top),
  };
}

/**
 * Lines of text; a trailing newline does not start a new line.
 * @param {string} text
 */
function countLines(text) {
  if (text === "") return 0;
  const breaks = text.split("\n").length - 1;
  return text.endsWith("\n") ? breaks : breaks + 1;
}

/**
 * The most frequent words, by count and then alphabetically.
 * @param {string[]} words
 * @param {number} limit
 * @returns {WordCount[]}
 */
function topWords(words, limit) {
  const counts = new Map();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0))
    .slice(0, Math.max(0, limit));
}
