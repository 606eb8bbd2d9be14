/** What a promise rejected with; fails the test if it resolved instead (a call that was expected to revert or throw). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection, but the call succeeded");
}
