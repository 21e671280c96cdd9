/** The tool's version; replaced at bundle time from package.json. */
export const VERSION: string =
  typeof __SPECPROMPT_VERSION__ === "string" ? __SPECPROMPT_VERSION__ : "0.0.0-dev";

declare const __SPECPROMPT_VERSION__: string | undefined;
