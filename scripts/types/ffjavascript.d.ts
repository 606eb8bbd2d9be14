/** Minimal local types for ffjavascript (it ships none): only what the ceremony uses. */
declare module "ffjavascript" {
  export function buildBn128(singleThread?: boolean): Promise<unknown>;
}
