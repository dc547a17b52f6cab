// Set by the platform adapters: code running as a deployed function, where the embedded
// database (a folder on the function's read-only disk) is never the right fallback.
let deployed = false;

export function markDeployed(): void {
  deployed = true;
}

export function isDeployed(): boolean {
  return deployed;
}
