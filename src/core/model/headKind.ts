/** The kinds of classifier head (see ModelHead). Its own module so the webview can name them without Node code. */
export type HeadKind = 'softmax' | 'sigmoid' | 'multi-label' | 'regression';
export const HEAD_KINDS: readonly HeadKind[] = ['softmax', 'sigmoid', 'multi-label', 'regression'];
