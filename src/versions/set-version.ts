import { isMap, isScalar, parseDocument } from "yaml";
import { SpecPromptError } from "../errors.js";

/**
 * The manifest text with its top-level `version` scalar replaced by `version`, everything else
 * (comments, order, quoting style of other values, blank lines) byte for byte as it was.
 */
export function setManifestVersion(text: string, version: string, file: string): string {
  const doc = parseDocument(text);
  const contents = doc.contents;
  const pair = isMap(contents)
    ? contents.items.find((item) => isScalar(item.key) && item.key.value === "version")
    : undefined;
  const node = pair?.value;
  if (!isScalar(node) || !node.range)
    throw new SpecPromptError("E_MANIFEST", `${file} has no version: scalar to bump`, {
      hint: "add version: 0.1.0 to the manifest",
    });
  const [start, end] = node.range;
  const quote = node.type === "QUOTE_DOUBLE" ? '"' : node.type === "QUOTE_SINGLE" ? "'" : "";
  return `${text.slice(0, start)}${quote}${version}${quote}${text.slice(end)}`;
}
