/** The first step of every shape check on what reaches a webview from outside (host messages, saved state, JSON islands). */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
