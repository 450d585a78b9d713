"""DistilBertForSequenceClassification, following transformers/models/distilbert/modeling_distilbert.py (eager
attention): Embeddings (word + learnt position, no token types, LayerNorm eps 1e-12), MultiHeadSelfAttention (q scaled
before q @ k^T, masked_fill with finfo.min where attention_mask == 0, softmax -> dropout -> @ v), TransformerBlock
(post-LayerNorm), then hidden[:, 0] -> pre_classifier -> ReLU -> dropout -> classifier."""
import math

import torch
from torch import nn

import zoo_common as zc

NAME = 'distilbert'
MODEL_TYPE = 'distilbert'
ARCHITECTURES = ['DistilBertForSequenceClassification']
TOKENIZER = 'wordpiece'
USES_TOKEN_TYPE_IDS = False
POOLING = 'first'
SEED = 1002


class Embeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg['vocab_size'], cfg['dim'], padding_idx=cfg['pad_token_id'])
        self.position_embeddings = nn.Embedding(cfg['max_position_embeddings'], cfg['dim'])
        self.LayerNorm = nn.LayerNorm(cfg['dim'], eps=1e-12)
        self.dropout = nn.Dropout(cfg['dropout'])
        self.register_buffer('position_ids', torch.arange(cfg['max_position_embeddings']).expand((1, -1)), persistent=False)

    def forward(self, input_ids, captured, input_embeds=None):
        if input_embeds is None:
            input_embeds = self.word_embeddings(input_ids)  # (bs, max_seq_length, dim)
        captured['word_embeddings'] = input_embeds
        seq_length = input_embeds.size(1)
        position_ids = self.position_ids[:, :seq_length]
        position_embeddings = self.position_embeddings(position_ids)
        embeddings = input_embeds + position_embeddings
        embeddings = self.LayerNorm(embeddings)
        return self.dropout(embeddings)


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_heads = cfg['n_heads']
        self.dim = cfg['dim']
        self.dropout = nn.Dropout(p=cfg['attention_dropout'])
        self.q_lin = nn.Linear(cfg['dim'], cfg['dim'])
        self.k_lin = nn.Linear(cfg['dim'], cfg['dim'])
        self.v_lin = nn.Linear(cfg['dim'], cfg['dim'])
        self.out_lin = nn.Linear(cfg['dim'], cfg['dim'])

    def forward(self, query, key, value, mask, captured):
        bs, q_length, dim = query.size()
        k_length = key.size(1)
        dim_per_head = self.dim // self.n_heads
        mask_reshp = (bs, 1, 1, k_length)

        def shape(x):
            return x.view(bs, -1, self.n_heads, dim_per_head).transpose(1, 2)

        def unshape(x):
            return x.transpose(1, 2).contiguous().view(bs, -1, self.n_heads * dim_per_head)

        q = shape(self.q_lin(query))
        k = shape(self.k_lin(key))
        v = shape(self.v_lin(value))
        q = q / math.sqrt(dim_per_head)
        scores = torch.matmul(q, k.transpose(2, 3))
        mask = (mask == 0).view(mask_reshp).expand_as(scores)
        scores = scores.masked_fill(mask, torch.tensor(torch.finfo(scores.dtype).min))
        weights = nn.functional.softmax(scores, dim=-1)
        weights = self.dropout(weights)
        captured['attentions'].append(weights)
        context = torch.matmul(weights, v)
        context = unshape(context)
        return self.out_lin(context)


class FFN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dropout = nn.Dropout(p=cfg['dropout'])
        self.lin1 = nn.Linear(cfg['dim'], cfg['hidden_dim'])
        self.lin2 = nn.Linear(cfg['hidden_dim'], cfg['dim'])
        self.activation = zc.ACT2FN[cfg['activation']]()

    def forward(self, input):
        x = self.lin1(input)
        x = self.activation(x)
        x = self.lin2(x)
        return self.dropout(x)


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = MultiHeadSelfAttention(cfg)
        self.sa_layer_norm = nn.LayerNorm(normalized_shape=cfg['dim'], eps=1e-12)
        self.ffn = FFN(cfg)
        self.output_layer_norm = nn.LayerNorm(normalized_shape=cfg['dim'], eps=1e-12)

    def forward(self, x, attn_mask, captured):
        sa_output = self.attention(query=x, key=x, value=x, mask=attn_mask, captured=captured)
        sa_output = self.sa_layer_norm(sa_output + x)
        ffn_output = self.ffn(sa_output)
        return self.output_layer_norm(ffn_output + sa_output)


class Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(cfg) for _ in range(cfg['n_layers'])])

    def forward(self, x, attn_mask, captured):
        hidden_state = x
        for layer_module in self.layer:
            hidden_state = layer_module(hidden_state, attn_mask, captured)
        return hidden_state


class DistilBertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = Embeddings(cfg)
        self.transformer = Transformer(cfg)

    def forward(self, input_ids, attention_mask, captured, inputs_embeds=None):
        embeddings = self.embeddings(input_ids, captured, inputs_embeds)
        return self.transformer(embeddings, attention_mask, captured)


class DistilBertForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.distilbert = DistilBertModel(cfg)
        self.pre_classifier = nn.Linear(cfg['dim'], cfg['dim'])
        self.classifier = nn.Linear(cfg['dim'], len(cfg['id2label']))
        self.dropout = nn.Dropout(cfg['seq_classif_dropout'])
        self.captured = zc.new_capture()

    def forward(self, input_ids, attention_mask, token_type_ids=None, word_embeddings_override=None):
        self.captured = zc.new_capture()
        hidden_state = self.distilbert(input_ids, attention_mask, self.captured, word_embeddings_override)
        pooled_output = hidden_state[:, 0]
        pooled_output = self.pre_classifier(pooled_output)
        pooled_output = nn.ReLU()(pooled_output)
        pooled_output = self.dropout(pooled_output)
        return self.classifier(pooled_output)


def make(vocab_size, pad_token_id, num_labels, problem_type, size):
    d = zc.dims(size)
    cfg = {
        'activation': 'gelu',
        'architectures': ARCHITECTURES,
        'attention_dropout': 0.1,
        'dim': d['hidden'],
        'dropout': 0.1,
        'hidden_dim': d['intermediate'],
        **zc.labels_config(num_labels, problem_type),
        'initializer_range': zc.initializer_range(size),
        'max_position_embeddings': d['max_positions'],
        'model_type': MODEL_TYPE,
        'n_heads': d['heads'],
        'n_layers': d['layers'] if size == 'tiny' else 6,
        'pad_token_id': pad_token_id,
        'qa_dropout': 0.1,
        'seq_classif_dropout': 0.2,
        'sinusoidal_pos_embds': False,
        'tie_weights_': True,
        'torch_dtype': 'float32',
        'transformers_version': zc.TRANSFORMERS_VERSION,
        'vocab_size': vocab_size,
    }
    cfg = dict(sorted(cfg.items()))
    torch.manual_seed(SEED)
    model = DistilBertForSequenceClassification(cfg)
    zc.init_weights(model, cfg['initializer_range'])
    return model.eval(), cfg
