"""Pieces the zoo's architecture modules share. Each follows the Hugging Face `transformers` modeling code it names
(read, not copied: see training/zoo/README.md for the files and commits), keeping the module and parameter names so
the ONNX export has the same initializer names, ops and patterns as a real export.

The capture contract (README.md): every model's forward(input_ids, attention_mask, token_type_ids=None,
word_embeddings_override=None) returns logits only and fills self.captured = {'word_embeddings': e,
'attentions': [per layer, the post-softmax (post-dropout) probabilities that multiply the values]}."""
import math

import torch
from torch import nn

TINY = dict(hidden=32, layers=2, heads=4, intermediate=64, max_positions=128)
BASE = dict(hidden=768, layers=12, heads=12, intermediate=3072, max_positions=512)
TRANSFORMERS_VERSION = '4.46.0'
# Tiny random models with std 0.02 weights barely mix tokens (attention stays uniform and every sentence gets the
# same logits to 3 decimals), which makes useless test fixtures. The tiny models therefore draw their weights with
# this larger std (recorded as the config's initializer_range); base-size models use HF's 0.02. The driver then
# re-centres and rescales the classifier (build_zoo.calibrate_head) so predictions differ between sentences.
TINY_INITIALIZER_RANGE = 0.2


def dims(size):
    if size not in ('tiny', 'base'):
        raise ValueError(f'size must be tiny or base, not {size!r}')
    return dict(TINY if size == 'tiny' else BASE)


def initializer_range(size):
    return TINY_INITIALIZER_RANGE if size == 'tiny' else 0.02


def init_module(module, std, linear=(nn.Linear,)):
    """HF `_init_weights` of one module: Linear (or `linear`) and Embedding weights ~ N(0, std), biases 0, the
    padding row 0, LayerNorm 1/0."""
    if isinstance(module, linear):
        module.weight.data.normal_(mean=0.0, std=std)
        if module.bias is not None:
            module.bias.data.zero_()
    elif isinstance(module, nn.Embedding):
        module.weight.data.normal_(mean=0.0, std=std)
        if module.padding_idx is not None:
            module.weight.data[module.padding_idx].zero_()
    elif isinstance(module, nn.LayerNorm):
        module.bias.data.zero_()
        module.weight.data.fill_(1.0)


def init_weights(model, std):
    """HF `_init_weights` over every module (only leaves draw numbers, so the order matches `model.apply`)."""
    for module in model.modules():
        init_module(module, std)


def label_maps(num_labels):
    """id2label and label2id: NEGATIVE/POSITIVE for two classes, LABEL_i otherwise."""
    names = ['NEGATIVE', 'POSITIVE'] if num_labels == 2 else [f'LABEL_{i}' for i in range(num_labels)]
    return {str(i): n for i, n in enumerate(names)}, {n: i for i, n in enumerate(names)}


def center_head(model, bias, vocab_size, pad_token_id, seed):
    """Sets the head's bias so that, over 64 seeded random texts (ids in [5, vocab), 4 to 32 tokens, right-padded),
    every class has the same mean logit: an untrained head otherwise gives most texts the same label. Only the bias
    changes; the weights are HF's initialisation."""
    g = torch.Generator().manual_seed(seed)
    low = min(5, vocab_size - 1)
    lengths = torch.randint(4, 33, (64,), generator=g)
    ids = torch.full((64, int(lengths.max())), pad_token_id, dtype=torch.long)
    mask = torch.zeros(ids.shape, dtype=torch.long)
    for i, n in enumerate(lengths.tolist()):
        ids[i, :n] = torch.randint(low, vocab_size, (n,), generator=g)
        mask[i, :n] = 1
    with torch.no_grad():
        logits = model(ids, mask)
        bias.data -= logits.mean(0) - logits.mean()
    model.captured = {}


def labels_config(num_labels, problem_type):
    id2label, label2id = label_maps(num_labels)
    cfg = {'id2label': id2label, 'label2id': label2id}
    if problem_type:
        cfg['problem_type'] = problem_type
    return cfg


def new_capture():
    return {'word_embeddings': None, 'attentions': []}


def get_extended_attention_mask(attention_mask, dtype):
    """`ModuleUtilsMixin.get_extended_attention_mask` for an encoder: [batch, 1, 1, seq], 0 where attended and the
    dtype's most negative number where masked."""
    extended_attention_mask = attention_mask[:, None, None, :]
    extended_attention_mask = extended_attention_mask.to(dtype=dtype)
    extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(dtype).min
    return extended_attention_mask


class NewGELUActivation(nn.Module):
    """`activations.NewGELUActivation` ("gelu_new", the tanh approximation used by ALBERT and GPT-2)."""

    def forward(self, input):
        return 0.5 * input * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (input + 0.044715 * torch.pow(input, 3.0))))


class GELUActivation(nn.Module):
    """`activations.GELUActivation` ("gelu": the exact, erf-based GELU)."""

    def forward(self, input):
        return nn.functional.gelu(input)


ACT2FN = {'gelu': GELUActivation, 'gelu_new': NewGELUActivation, 'relu': nn.ReLU, 'tanh': nn.Tanh}


# --- The BERT encoder (modeling_bert.py, eager attention). RoBERTa, XLM-R and ELECTRA use copies of it. ---------

class BertSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.num_attention_heads = cfg['num_attention_heads']
        self.attention_head_size = int(cfg['hidden_size'] / cfg['num_attention_heads'])
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(cfg['hidden_size'], self.all_head_size)
        self.key = nn.Linear(cfg['hidden_size'], self.all_head_size)
        self.value = nn.Linear(cfg['hidden_size'], self.all_head_size)
        self.dropout = nn.Dropout(cfg['attention_probs_dropout_prob'])

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        x = x.view(new_x_shape)
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask, captured):
        mixed_query_layer = self.query(hidden_states)
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        query_layer = self.transpose_for_scores(mixed_query_layer)

        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        attention_probs = self.dropout(attention_probs)
        captured['attentions'].append(attention_probs)

        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        return context_layer.view(new_context_layer_shape)


class BertSelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], eps=cfg['layer_norm_eps'])
        self.dropout = nn.Dropout(cfg['hidden_dropout_prob'])

    def forward(self, hidden_states, input_tensor):
        hidden_states = self.dense(hidden_states)
        hidden_states = self.dropout(hidden_states)
        return self.LayerNorm(hidden_states + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self = BertSelfAttention(cfg)
        self.output = BertSelfOutput(cfg)

    def forward(self, hidden_states, attention_mask, captured):
        return self.output(self.self(hidden_states, attention_mask, captured), hidden_states)


class BertIntermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['intermediate_size'])
        self.intermediate_act_fn = ACT2FN[cfg['hidden_act']]()

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['intermediate_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], eps=cfg['layer_norm_eps'])
        self.dropout = nn.Dropout(cfg['hidden_dropout_prob'])

    def forward(self, hidden_states, input_tensor):
        hidden_states = self.dense(hidden_states)
        hidden_states = self.dropout(hidden_states)
        return self.LayerNorm(hidden_states + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = BertAttention(cfg)
        self.intermediate = BertIntermediate(cfg)
        self.output = BertOutput(cfg)

    def forward(self, hidden_states, attention_mask, captured):
        attention_output = self.attention(hidden_states, attention_mask, captured)
        return self.output(self.intermediate(attention_output), attention_output)


class BertEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(cfg) for _ in range(cfg['num_hidden_layers'])])

    def forward(self, hidden_states, attention_mask, captured):
        for layer_module in self.layer:
            hidden_states = layer_module(hidden_states, attention_mask, captured)
        return hidden_states


def bert_style_config(model_type, architectures, vocab_size, pad_token_id, num_labels, problem_type, size, **extra):
    d = dims(size)
    cfg = {
        'architectures': architectures,
        'attention_probs_dropout_prob': 0.1,
        'classifier_dropout': None,
        'hidden_act': 'gelu',
        'hidden_dropout_prob': 0.1,
        'hidden_size': d['hidden'],
        **labels_config(num_labels, problem_type),
        'initializer_range': initializer_range(size),
        'intermediate_size': d['intermediate'],
        'layer_norm_eps': 1e-12,
        'max_position_embeddings': d['max_positions'],
        'model_type': model_type,
        'num_attention_heads': d['heads'],
        'num_hidden_layers': d['layers'],
        'pad_token_id': pad_token_id,
        'position_embedding_type': 'absolute',
        'torch_dtype': 'float32',
        'transformers_version': TRANSFORMERS_VERSION,
        'type_vocab_size': 2,
        'use_cache': True,
        'vocab_size': vocab_size,
    }
    cfg.update(extra)
    return dict(sorted(cfg.items()))
