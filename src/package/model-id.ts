/** `provider:model`, with the providers we have drivers for. */
export const MODEL_ID_PATTERN = /^(openai|anthropic|ollama|cmd):.+$/s;

/** Whether a string is a model id we can resolve to a driver. */
export function isModelId(value: string): boolean {
  return MODEL_ID_PATTERN.test(value);
}
