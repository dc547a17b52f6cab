import { config } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

// Classic zod installs its English messages when imported; zod/mini does not (every default
// message would read "Invalid input"). Our schemas are on zod/mini, so the English map is set
// here, once, before any parse whose messages reach a client (parseWith, config errors).
let installed = false;

export function useEnglishMessages(): void {
  if (installed) return;
  config(en());
  installed = true;
}
