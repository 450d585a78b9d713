"""ElectraForSequenceClassification (a discriminator), following transformers/models/electra/modeling_electra.py
(eager attention): ElectraEmbeddings (BertEmbeddings at width embedding_size), embeddings_project (Linear
embedding_size -> hidden_size, present because they differ, as in electra-small), the BERT encoder, no pooler, and
ElectraClassificationHead (first token -> dropout -> dense -> gelu -> dropout -> out_proj)."""
import torch
from torch import nn

import zoo_common as zc
from arch_bert import BertEmbeddings

NAME = 'electra'
MODEL_TYPE = 'electra'
ARCHITECTURES = ['ElectraForSequenceClassification']
TOKENIZER = 'wordpiece'
USES_TOKEN_TYPE_IDS = True
POOLING = 'first'
SEED = 1006


class ElectraEmbeddings(BertEmbeddings):
    def __init__(self, cfg):
        super().__init__({**cfg, 'hidden_size': cfg['embedding_size']})


class ElectraModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = ElectraEmbeddings(cfg)
        if cfg['embedding_size'] != cfg['hidden_size']:
            self.embeddings_project = nn.Linear(cfg['embedding_size'], cfg['hidden_size'])
        self.encoder = zc.BertEncoder(cfg)

    def forward(self, input_ids, attention_mask, token_type_ids, captured, inputs_embeds=None):
        hidden_states = self.embeddings(input_ids, token_type_ids, captured, inputs_embeds)
        extended_attention_mask = zc.get_extended_attention_mask(attention_mask, hidden_states.dtype)
        if hasattr(self, 'embeddings_project'):
            hidden_states = self.embeddings_project(hidden_states)
        return self.encoder(hidden_states, extended_attention_mask, captured)


class ElectraClassificationHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['hidden_size'])
        self.activation = zc.GELUActivation()
        classifier_dropout = cfg['classifier_dropout'] if cfg['classifier_dropout'] is not None else cfg['hidden_dropout_prob']
        self.dropout = nn.Dropout(classifier_dropout)
        self.out_proj = nn.Linear(cfg['hidden_size'], len(cfg['id2label']))

    def forward(self, features):
        x = features[:, 0, :]  # take <s> token (equiv. to [CLS])
        x = self.dropout(x)
        x = self.dense(x)
        x = self.activation(x)
        x = self.dropout(x)
        return self.out_proj(x)


class ElectraForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.electra = ElectraModel(cfg)
        self.classifier = ElectraClassificationHead(cfg)
        self.captured = zc.new_capture()

    def forward(self, input_ids, attention_mask, token_type_ids=None, word_embeddings_override=None):
        self.captured = zc.new_capture()
        sequence_output = self.electra(input_ids, attention_mask, token_type_ids, self.captured, word_embeddings_override)
        return self.classifier(sequence_output)


def make(vocab_size, pad_token_id, num_labels, problem_type, size):
    d = zc.dims(size)
    cfg = zc.bert_style_config(
        MODEL_TYPE, ARCHITECTURES, vocab_size, pad_token_id, num_labels, problem_type, size,
        # electra-small-discriminator factorises 128 -> 256; the tiny one 16 -> 32; electra-base has 768 = 768.
        embedding_size=16 if size == 'tiny' else d['hidden'],
        summary_activation='gelu', summary_last_dropout=0.1, summary_type='first', summary_use_proj=True)
    torch.manual_seed(SEED)
    model = ElectraForSequenceClassification(cfg)
    zc.init_weights(model, cfg['initializer_range'])
    return model.eval(), cfg
