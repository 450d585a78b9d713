"""AlbertForSequenceClassification, following transformers/models/albert/modeling_albert.py (eager attention):
AlbertEmbeddings (factorised: word/position/token-type tables of width embedding_size, LayerNorm there),
AlbertTransformer (embedding_hidden_mapping_in: embedding_size -> hidden_size, then ONE AlbertLayerGroup holding one
AlbertLayer, applied num_hidden_layers times with the same weights), AlbertAttention (softmax -> dropout -> @ v,
dense, residual LayerNorm), FFN with gelu_new, pooler dense + tanh on [CLS], dropout, classifier."""
import math

import torch
from torch import nn

import zoo_common as zc
from arch_bert import BertEmbeddings

NAME = 'albert'
MODEL_TYPE = 'albert'
ARCHITECTURES = ['AlbertForSequenceClassification']
TOKENIZER = 'unigram'
TOKENIZER_STYLE = 'albert'
USES_TOKEN_TYPE_IDS = True
POOLING = 'first'
SEED = 1005


class AlbertEmbeddings(BertEmbeddings):
    """BertEmbeddings at width embedding_size (modeling_albert.py copies BertEmbeddings' forward)."""

    def __init__(self, cfg):
        super().__init__({**cfg, 'hidden_size': cfg['embedding_size']})


class AlbertAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.num_attention_heads = cfg['num_attention_heads']
        self.hidden_size = cfg['hidden_size']
        self.attention_head_size = cfg['hidden_size'] // cfg['num_attention_heads']
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(cfg['hidden_size'], self.all_head_size)
        self.key = nn.Linear(cfg['hidden_size'], self.all_head_size)
        self.value = nn.Linear(cfg['hidden_size'], self.all_head_size)
        self.attention_dropout = nn.Dropout(cfg['attention_probs_dropout_prob'])
        self.output_dropout = nn.Dropout(cfg['hidden_dropout_prob'])
        self.dense = nn.Linear(cfg['hidden_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], eps=cfg['layer_norm_eps'])

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        x = x.view(*new_x_shape)
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask, captured):
        query_layer = self.transpose_for_scores(self.query(hidden_states))
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))

        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = nn.Softmax(dim=-1)(attention_scores)
        attention_probs = self.attention_dropout(attention_probs)
        captured['attentions'].append(attention_probs)

        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.transpose(2, 1).flatten(2)
        projected_context_layer = self.dense(context_layer)
        projected_context_layer_dropout = self.output_dropout(projected_context_layer)
        return self.LayerNorm(hidden_states + projected_context_layer_dropout)


class AlbertLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.full_layer_layer_norm = nn.LayerNorm(cfg['hidden_size'], eps=cfg['layer_norm_eps'])
        self.attention = AlbertAttention(cfg)
        self.ffn = nn.Linear(cfg['hidden_size'], cfg['intermediate_size'])
        self.ffn_output = nn.Linear(cfg['intermediate_size'], cfg['hidden_size'])
        self.activation = zc.ACT2FN[cfg['hidden_act']]()
        self.dropout = nn.Dropout(cfg['hidden_dropout_prob'])

    def forward(self, hidden_states, attention_mask, captured):
        attention_output = self.attention(hidden_states, attention_mask, captured)
        ffn_output = self.ffn(attention_output)
        ffn_output = self.activation(ffn_output)
        ffn_output = self.ffn_output(ffn_output)
        return self.full_layer_layer_norm(ffn_output + attention_output)


class AlbertLayerGroup(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.albert_layers = nn.ModuleList([AlbertLayer(cfg) for _ in range(cfg['inner_group_num'])])

    def forward(self, hidden_states, attention_mask, captured):
        for albert_layer in self.albert_layers:
            hidden_states = albert_layer(hidden_states, attention_mask, captured)
        return hidden_states


class AlbertTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.embedding_hidden_mapping_in = nn.Linear(cfg['embedding_size'], cfg['hidden_size'])
        self.albert_layer_groups = nn.ModuleList([AlbertLayerGroup(cfg) for _ in range(cfg['num_hidden_groups'])])

    def forward(self, hidden_states, attention_mask, captured):
        hidden_states = self.embedding_hidden_mapping_in(hidden_states)
        n, groups = self.config['num_hidden_layers'], self.config['num_hidden_groups']
        for i in range(n):
            group_idx = int(i / (n / groups))
            hidden_states = self.albert_layer_groups[group_idx](hidden_states, attention_mask, captured)
        return hidden_states


class AlbertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = AlbertEmbeddings(cfg)
        self.encoder = AlbertTransformer(cfg)
        self.pooler = nn.Linear(cfg['hidden_size'], cfg['hidden_size'])
        self.pooler_activation = nn.Tanh()

    def forward(self, input_ids, attention_mask, token_type_ids, captured, inputs_embeds=None):
        embedding_output = self.embeddings(input_ids, token_type_ids, captured, inputs_embeds)
        extended_attention_mask = attention_mask.unsqueeze(1).unsqueeze(2)
        extended_attention_mask = extended_attention_mask.to(dtype=embedding_output.dtype)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(embedding_output.dtype).min
        sequence_output = self.encoder(embedding_output, extended_attention_mask, captured)
        pooled_output = self.pooler_activation(self.pooler(sequence_output[:, 0]))
        return sequence_output, pooled_output


class AlbertForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.albert = AlbertModel(cfg)
        self.dropout = nn.Dropout(cfg['classifier_dropout_prob'])
        self.classifier = nn.Linear(cfg['hidden_size'], len(cfg['id2label']))
        self.captured = zc.new_capture()

    def forward(self, input_ids, attention_mask, token_type_ids=None, word_embeddings_override=None):
        self.captured = zc.new_capture()
        _, pooled_output = self.albert(input_ids, attention_mask, token_type_ids, self.captured, word_embeddings_override)
        pooled_output = self.dropout(pooled_output)
        return self.classifier(pooled_output)


def make(vocab_size, pad_token_id, num_labels, problem_type, size):
    d = zc.dims(size)
    cfg = zc.bert_style_config(
        MODEL_TYPE, ARCHITECTURES, vocab_size, pad_token_id, num_labels, problem_type, size,
        attention_probs_dropout_prob=0, bos_token_id=2, classifier_dropout_prob=0.1,
        embedding_size=16 if size == 'tiny' else 128, eos_token_id=3, hidden_act='gelu_new', hidden_dropout_prob=0,
        inner_group_num=1, num_hidden_groups=1, intermediate_size=d['intermediate'])
    for k in ('classifier_dropout', 'use_cache'):
        cfg.pop(k)
    torch.manual_seed(SEED)
    model = AlbertForSequenceClassification(cfg)
    zc.init_weights(model, cfg['initializer_range'])
    return model.eval(), cfg
