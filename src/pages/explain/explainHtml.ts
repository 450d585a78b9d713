/** The explain panel's page as an exported, self-contained HTML file. */
import { makeNonce, standaloneDocument } from '../shared/pageHtml';
import { STANDALONE_DATA_ID, type PanelState } from './explainProtocol';

/**
 * The explain panel's exported page. Pass the panel stylesheet; the codicon sheet is not needed (its icons are for
 * controls the file hides).
 */
export function standaloneHtml(
  state: PanelState,
  files: { script: string; styles: string[] },
  nonce: string = makeNonce(),
): string {
  const { result } = state;
  const { target, prediction } = result;
  const title =
    target.index === prediction.index
      ? `Polarity Lens: ${result.model.name} predicts ${prediction.label}`
      : `Polarity Lens: ${result.model.name} explaining ${target.label} (predicts ${prediction.label})`;
  return standaloneDocument(
    { title, dataId: STANDALONE_DATA_ID, data: state, script: files.script, styles: files.styles },
    nonce,
  );
}
