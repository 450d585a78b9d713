"""RobertaForSequenceClassification, following transformers/models/roberta/modeling_roberta.py (eager attention):
RobertaEmbeddings (position ids from `create_position_ids_from_input_ids`: cumsum of input_ids != padding_idx, times
that mask, plus padding_idx; a token-type embedding of size 1 fed from the zero buffer, so the ONNX model has no
token_type_ids input; LayerNorm eps 1e-5), the BERT encoder, no pooler, and RobertaClassificationHead (<s> -> dropout
-> dense -> tanh -> dropout -> out_proj). XLM-R (arch_xlm_roberta.py) reuses these classes."""
import torch
from torch import nn

import zoo_common as zc

NAME = 'roberta'
MODEL_TYPE = 'roberta'
ARCHITECTURES = ['RobertaForSequenceClassification']
TOKENIZER = 'bpe'
USES_TOKEN_TYPE_IDS = False
POOLING = 'first'
SEED = 1003


def create_position_ids_from_input_ids(input_ids, padding_idx, past_key_values_length=0):
    """Padding symbols keep position padding_idx; the others count up from padding_idx + 1."""
    mask = input_ids.ne(padding_idx).int()
    incremental_indices = (torch.cumsum(mask, dim=1).type_as(mask) + past_key_values_length) * mask
    return incremental_indices.long() + padding_idx


class RobertaEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg['vocab_size'], cfg['hidden_size'], padding_idx=cfg['pad_token_id'])
        self.position_embeddings = nn.Embedding(cfg['max_position_embeddings'], cfg['hidden_size'], padding_idx=cfg['pad_token_id'])
        self.token_type_embeddings = nn.Embedding(cfg['type_vocab_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], eps=cfg['layer_norm_eps'])
        self.dropout = nn.Dropout(cfg['hidden_dropout_prob'])
        self.register_buffer('position_ids', torch.arange(cfg['max_position_embeddings']).expand((1, -1)), persistent=False)
        self.register_buffer('token_type_ids', torch.zeros(self.position_ids.size(), dtype=torch.long), persistent=False)
        self.padding_idx = cfg['pad_token_id']

    def forward(self, input_ids, token_type_ids, captured, inputs_embeds=None):
        position_ids = create_position_ids_from_input_ids(input_ids, self.padding_idx)
        input_shape = input_ids.size()
        seq_length = input_shape[1]
        if token_type_ids is None:
            buffered_token_type_ids = self.token_type_ids[:, :seq_length]
            token_type_ids = buffered_token_type_ids.expand(input_shape[0], seq_length)
        if inputs_embeds is None:
            inputs_embeds = self.word_embeddings(input_ids)
        captured['word_embeddings'] = inputs_embeds
        token_type_embeddings = self.token_type_embeddings(token_type_ids)
        embeddings = inputs_embeds + token_type_embeddings
        position_embeddings = self.position_embeddings(position_ids)
        embeddings += position_embeddings
        embeddings = self.LayerNorm(embeddings)
        return self.dropout(embeddings)


class RobertaModel(nn.Module):
    """add_pooling_layer=False, as RobertaForSequenceClassification builds it."""

    def __init__(self, cfg):
        super().__init__()
        self.embeddings = RobertaEmbeddings(cfg)
        self.encoder = zc.BertEncoder(cfg)

    def forward(self, input_ids, attention_mask, token_type_ids, captured, inputs_embeds=None):
        embedding_output = self.embeddings(input_ids, token_type_ids, captured, inputs_embeds)
        extended_attention_mask = zc.get_extended_attention_mask(attention_mask, embedding_output.dtype)
        return self.encoder(embedding_output, extended_attention_mask, captured)


class RobertaClassificationHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['hidden_size'])
        classifier_dropout = cfg['classifier_dropout'] if cfg['classifier_dropout'] is not None else cfg['hidden_dropout_prob']
        self.dropout = nn.Dropout(classifier_dropout)
        self.out_proj = nn.Linear(cfg['hidden_size'], len(cfg['id2label']))

    def forward(self, features):
        x = features[:, 0, :]  # take <s> token (equiv. to [CLS])
        x = self.dropout(x)
        x = self.dense(x)
        x = torch.tanh(x)
        x = self.dropout(x)
        return self.out_proj(x)


class RobertaForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.roberta = RobertaModel(cfg)
        self.classifier = RobertaClassificationHead(cfg)
        self.captured = zc.new_capture()

    def forward(self, input_ids, attention_mask, token_type_ids=None, word_embeddings_override=None):
        self.captured = zc.new_capture()
        sequence_output = self.roberta(input_ids, attention_mask, token_type_ids, self.captured, word_embeddings_override)
        return self.classifier(sequence_output)


def roberta_config(model_type, architectures, vocab_size, pad_token_id, num_labels, problem_type, size):
    d = zc.dims(size)
    return zc.bert_style_config(
        model_type, architectures, vocab_size, pad_token_id, num_labels, problem_type, size,
        bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-05, type_vocab_size=1,
        # RoBERTa positions start at padding_idx + 1: 2 slots more than the longest input.
        max_position_embeddings=d['max_positions'] + pad_token_id + 1)


def make(vocab_size, pad_token_id, num_labels, problem_type, size):
    cfg = roberta_config(MODEL_TYPE, ARCHITECTURES, vocab_size, pad_token_id, num_labels, problem_type, size)
    torch.manual_seed(SEED)
    model = RobertaForSequenceClassification(cfg)
    zc.init_weights(model, cfg['initializer_range'])
    return model.eval(), cfg
