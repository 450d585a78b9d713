"""BertForSequenceClassification, following transformers/models/bert/modeling_bert.py (eager attention): BertEmbeddings
(word + token_type + absolute position, LayerNorm, dropout), extended attention mask (1 - mask) * finfo.min,
BertSelfAttention (softmax -> dropout -> matmul with the values), BertPooler (dense + tanh on [CLS]), dropout,
classifier."""
import torch
from torch import nn

import zoo_common as zc

NAME = 'bert'
MODEL_TYPE = 'bert'
ARCHITECTURES = ['BertForSequenceClassification']
TOKENIZER = 'wordpiece'
USES_TOKEN_TYPE_IDS = True
POOLING = 'first'
SEED = 1001


class BertEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg['vocab_size'], cfg['hidden_size'], padding_idx=cfg['pad_token_id'])
        self.position_embeddings = nn.Embedding(cfg['max_position_embeddings'], cfg['hidden_size'])
        self.token_type_embeddings = nn.Embedding(cfg['type_vocab_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], eps=cfg['layer_norm_eps'])
        self.dropout = nn.Dropout(cfg['hidden_dropout_prob'])
        self.register_buffer('position_ids', torch.arange(cfg['max_position_embeddings']).expand((1, -1)), persistent=False)
        self.register_buffer('token_type_ids', torch.zeros(self.position_ids.size(), dtype=torch.long), persistent=False)

    def forward(self, input_ids, token_type_ids, captured, inputs_embeds=None):
        input_shape = input_ids.size()
        seq_length = input_shape[1]
        position_ids = self.position_ids[:, 0:seq_length]
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


class BertPooler(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['hidden_size'])
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        first_token_tensor = hidden_states[:, 0]
        return self.activation(self.dense(first_token_tensor))


class BertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = BertEmbeddings(cfg)
        self.encoder = zc.BertEncoder(cfg)
        self.pooler = BertPooler(cfg)

    def forward(self, input_ids, attention_mask, token_type_ids, captured, inputs_embeds=None):
        embedding_output = self.embeddings(input_ids, token_type_ids, captured, inputs_embeds)
        extended_attention_mask = zc.get_extended_attention_mask(attention_mask, embedding_output.dtype)
        sequence_output = self.encoder(embedding_output, extended_attention_mask, captured)
        return sequence_output, self.pooler(sequence_output)


class BertForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.bert = BertModel(cfg)
        classifier_dropout = cfg['classifier_dropout'] if cfg['classifier_dropout'] is not None else cfg['hidden_dropout_prob']
        self.dropout = nn.Dropout(classifier_dropout)
        self.classifier = nn.Linear(cfg['hidden_size'], len(cfg['id2label']))
        self.captured = zc.new_capture()

    def forward(self, input_ids, attention_mask, token_type_ids=None, word_embeddings_override=None):
        self.captured = zc.new_capture()
        _, pooled_output = self.bert(input_ids, attention_mask, token_type_ids, self.captured, word_embeddings_override)
        pooled_output = self.dropout(pooled_output)
        return self.classifier(pooled_output)


def make(vocab_size, pad_token_id, num_labels, problem_type, size):
    cfg = zc.bert_style_config(MODEL_TYPE, ARCHITECTURES, vocab_size, pad_token_id, num_labels, problem_type, size)
    torch.manual_seed(SEED)
    model = BertForSequenceClassification(cfg)
    zc.init_weights(model, cfg['initializer_range'])
    return model.eval(), cfg
