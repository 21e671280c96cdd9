import { hash } from "node:crypto";

/**
 * sha256 of a string or bytes, as lowercase hex. `crypto.hash` is one native call with no Hash
 * object, several times cheaper than createHash for the short texts a build hashes by the
 * thousand (layers, inputs, cache keys).
 */
export function sha256(data: string | Uint8Array): string {
  return hash("sha256", data, "hex");
}
