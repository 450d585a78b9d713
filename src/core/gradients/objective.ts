/** What gradient explainers differentiate: p(ŷ), a softmax probability, or z_ŷ, the logit. (Its own module so the
 * webview can name it without reaching Node code.) */
export type Objective = 'probability' | 'logit';
