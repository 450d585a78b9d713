"""XLMRobertaForSequenceClassification: transformers/models/xlm_roberta/modeling_xlm_roberta.py is the RoBERTa
architecture ("Copied from ... Roberta" throughout: same embeddings with padding-aware position ids, encoder and
classification head, module attribute `roberta`); only the tokenizer differs (SentencePiece Unigram with Metaspace,
<s>=0 <pad>=1 </s>=2 <unk>=3, <mask> last)."""
import torch

import zoo_common as zc
from arch_roberta import RobertaForSequenceClassification, roberta_config

NAME = 'xlm-roberta'
MODEL_TYPE = 'xlm-roberta'
ARCHITECTURES = ['XLMRobertaForSequenceClassification']
TOKENIZER = 'unigram'
TOKENIZER_STYLE = 'xlmr'
USES_TOKEN_TYPE_IDS = False
POOLING = 'first'
SEED = 1004


class XLMRobertaForSequenceClassification(RobertaForSequenceClassification):
    pass


def make(vocab_size, pad_token_id, num_labels, problem_type, size):
    cfg = roberta_config(MODEL_TYPE, ARCHITECTURES, vocab_size, pad_token_id, num_labels, problem_type, size)
    torch.manual_seed(SEED)
    model = XLMRobertaForSequenceClassification(cfg)
    zc.init_weights(model, cfg['initializer_range'])
    return model.eval(), cfg
