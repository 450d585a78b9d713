"""GPT-2 sequence classifier (causal, pooled on the last non-pad token), small enough for a test fixture, written
after Hugging Face `transformers`.

Followed: huggingface/transformers, src/transformers/models/gpt2/modeling_gpt2.py at commit
0010f60284ab4b9d14b7df9c6525b1a2ad44e640 -- classes GPT2Attention (_attn: causal `bias` buffer sliced
[key_length - query_length : key_length, :key_length], torch.where(causal, w, finfo.min), + additive padding mask,
Softmax; _split_heads / _merge_heads), GPT2MLP, GPT2Block, GPT2PreTrainedModel._init_weights (normal 0.02 and the
1/sqrt(2 * n_layer) scaled c_proj.weight), GPT2Model (learned absolute positions from arange, (1 - mask) *
finfo.min padding mask, ln_f), GPT2ForSequenceClassification (score without bias on every position, then gathered
with logits[arange(batch), last]); Conv1D (torch.addmm on the flattened input) from
src/transformers/pytorch_utils.py; NewGELUActivation (tanh approximation, "gelu_new") from
src/transformers/activations.py. Written anew from that code, not copied.

The last-token index: at that commit HF computed `torch.ne(input_ids, pad_token_id).sum(-1) - 1`; later versions used
`(torch.eq(input_ids, pad).int().argmax(-1) - 1) % seq_len`, and current main takes the rightmost non-pad token,
`(arange(seq_len, dtype=int32) * (input_ids != pad).int32).argmax(-1)`, which handles left and right padding. This
follows current main (an ArgMax in the graph); all three agree on right-padded text that has no pad token inside.
With `word_embeddings_override` the index still comes from input_ids (HF, given inputs_embeds, would take -1).

Left out: dropout (identity at inference), past key/values and caching, cross-attention, head_mask,
scale_attn_by_inverse_layer_idx and reorder_and_upcast_attn (both False in GPT-2), token_type_ids, the losses.

Weights: HF's _init_weights (normal std 0.02, scaled c_proj), seeded (1234) in make(), then `score` as below.

Polarity Lens additions (no effect on the exported graph): forward() takes `word_embeddings_override` (used instead
of wte(input_ids)) and fills `self.captured = {'word_embeddings': lookup output or override, 'attentions': [per
layer, the post-softmax probabilities [batch, heads, seq, seq] that multiply the values]}`; `self.attention_hook`,
when set to a callable (layer_index, probs) -> probs, replaces the probabilities before they are used (a test hook;
None by default and during export). With HF's std-0.02 `score`, every probability sits within about 0.08 of
1/num_labels; make() redraws `score` (after the HF init, same seeded stream) with std 1/sqrt(n_embd) so that
probabilities spread over (0, 1) -- see `_spread_score`. (It has no bias to centre; the last-token states already
give both labels.)
"""
import math

import torch
import torch.nn as nn
import zoo_common as zc

NAME = 'gpt2'
MODEL_TYPE = 'gpt2'
ARCHITECTURES = ['GPT2ForSequenceClassification']
TOKENIZER = 'bpe'
USES_TOKEN_TYPE_IDS = False
POOLING = 'last-non-pad'
SEED = 1234

SIZES = {
    'tiny': dict(n_embd=32, n_layer=2, n_head=4, n_inner=64, n_positions=128),
    # openai-community/gpt2
    'base': dict(n_embd=768, n_layer=12, n_head=12, n_inner=None, n_positions=1024),
}


def gelu_new(x):
    """NewGELUActivation: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Conv1D(nn.Module):
    """A linear layer with its weight stored transposed ([nx, nf]), applied with addmm on the flattened input."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class GPT2Attention(nn.Module):
    def __init__(self, cfg, layer_idx):
        super().__init__()
        max_positions = cfg['max_position_embeddings']
        self.register_buffer('bias', torch.tril(torch.ones((max_positions, max_positions), dtype=torch.bool))
                             .view(1, 1, max_positions, max_positions), persistent=False)
        self.embed_dim = cfg['hidden_size']
        self.num_heads = cfg['num_attention_heads']
        self.head_dim = self.embed_dim // self.num_heads
        self.split_size = self.embed_dim
        self.scale_attn_weights = cfg['scale_attn_weights']
        self.layer_idx = layer_idx
        self.c_attn = Conv1D(3 * self.embed_dim, self.embed_dim)
        self.c_proj = Conv1D(self.embed_dim, self.embed_dim)

    def _attn(self, query, key, value, attention_mask, hook):
        attn_weights = torch.matmul(query, key.transpose(-1, -2))
        if self.scale_attn_weights:
            attn_weights = attn_weights / torch.full([], value.size(-1) ** 0.5, dtype=attn_weights.dtype,
                                                     device=attn_weights.device)
        query_length, key_length = query.size(-2), key.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length: key_length, :key_length]
        mask_value = torch.finfo(attn_weights.dtype).min
        mask_value = torch.full([], mask_value, dtype=attn_weights.dtype).to(attn_weights.device)
        attn_weights = torch.where(causal_mask, attn_weights.to(attn_weights.dtype), mask_value)
        if attention_mask is not None:
            attn_weights = attn_weights + attention_mask
        attn_weights = nn.functional.softmax(attn_weights, dim=-1)
        attn_weights = attn_weights.type(value.dtype)
        if hook is not None:
            attn_weights = hook(self.layer_idx, attn_weights)
        attn_output = torch.matmul(attn_weights, value)
        return attn_output, attn_weights

    def _split_heads(self, tensor, num_heads, attn_head_size):
        new_shape = tensor.size()[:-1] + (num_heads, attn_head_size)
        tensor = tensor.view(new_shape)
        return tensor.permute(0, 2, 1, 3)

    def _merge_heads(self, tensor, num_heads, attn_head_size):
        tensor = tensor.permute(0, 2, 1, 3).contiguous()
        new_shape = tensor.size()[:-2] + (num_heads * attn_head_size,)
        return tensor.view(new_shape)

    def forward(self, hidden_states, attention_mask, hook):
        query, key, value = self.c_attn(hidden_states).split(self.split_size, dim=2)
        query = self._split_heads(query, self.num_heads, self.head_dim)
        key = self._split_heads(key, self.num_heads, self.head_dim)
        value = self._split_heads(value, self.num_heads, self.head_dim)
        attn_output, attn_weights = self._attn(query, key, value, attention_mask, hook)
        attn_output = self._merge_heads(attn_output, self.num_heads, self.head_dim)
        return self.c_proj(attn_output), attn_weights


class GPT2MLP(nn.Module):
    def __init__(self, intermediate_size, cfg):
        super().__init__()
        embed_dim = cfg['hidden_size']
        self.c_fc = Conv1D(intermediate_size, embed_dim)
        self.c_proj = Conv1D(embed_dim, intermediate_size)

    def forward(self, hidden_states):
        return self.c_proj(gelu_new(self.c_fc(hidden_states)))


class GPT2Block(nn.Module):
    def __init__(self, cfg, layer_idx):
        super().__init__()
        hidden_size = cfg['hidden_size']
        inner_dim = cfg['n_inner'] if cfg['n_inner'] is not None else 4 * hidden_size
        self.ln_1 = nn.LayerNorm(hidden_size, eps=cfg['layer_norm_epsilon'])
        self.attn = GPT2Attention(cfg, layer_idx)
        self.ln_2 = nn.LayerNorm(hidden_size, eps=cfg['layer_norm_epsilon'])
        self.mlp = GPT2MLP(inner_dim, cfg)

    def forward(self, hidden_states, attention_mask, hook):
        residual = hidden_states
        attn_output, attn_weights = self.attn(self.ln_1(hidden_states), attention_mask, hook)
        hidden_states = attn_output + residual
        residual = hidden_states
        hidden_states = residual + self.mlp(self.ln_2(hidden_states))
        return hidden_states, attn_weights


class GPT2Model(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed_dim = cfg['hidden_size']
        self.wte = nn.Embedding(cfg['vocab_size'], self.embed_dim)
        self.wpe = nn.Embedding(cfg['max_position_embeddings'], self.embed_dim)
        self.h = nn.ModuleList([GPT2Block(cfg, layer_idx=i) for i in range(cfg['num_hidden_layers'])])
        self.ln_f = nn.LayerNorm(self.embed_dim, eps=cfg['layer_norm_epsilon'])

    def forward(self, input_ids, attention_mask, inputs_embeds=None, hook=None):
        input_shape = input_ids.size()
        input_ids = input_ids.view(-1, input_shape[-1])
        batch_size = input_ids.shape[0]
        device = input_ids.device
        past_length = 0
        position_ids = torch.arange(past_length, input_shape[-1] + past_length, dtype=torch.long, device=device)
        position_ids = position_ids.unsqueeze(0).view(-1, input_shape[-1])
        dtype = self.ln_f.weight.dtype
        if attention_mask is not None:
            attention_mask = attention_mask.view(batch_size, -1)
            attention_mask = attention_mask[:, None, None, :]
            attention_mask = attention_mask.to(dtype=dtype)
            attention_mask = (1.0 - attention_mask) * torch.finfo(dtype).min
        if inputs_embeds is None:
            inputs_embeds = self.wte(input_ids)
        position_embeds = self.wpe(position_ids)
        hidden_states = inputs_embeds + position_embeds
        output_shape = input_shape + (hidden_states.size(-1),)
        attentions = []
        for block in self.h:
            hidden_states, attn_weights = block(hidden_states, attention_mask, hook)
            attentions.append(attn_weights)
        hidden_states = self.ln_f(hidden_states)
        return hidden_states.view(output_shape), inputs_embeds, attentions


class GPT2ForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.transformer = GPT2Model(cfg)
        self.score = nn.Linear(cfg['n_embd'], cfg['num_labels'], bias=False)
        self.captured = {}
        self.attention_hook = None

    def _init_weights(self, module):
        std = self.config['initializer_range']
        zc.init_module(module, std, (nn.Linear, Conv1D))
        for name, p in module.named_parameters():
            if name == 'c_proj.weight':
                p.data.normal_(mean=0.0, std=(std / math.sqrt(2 * self.config['n_layer'])))

    def forward(self, input_ids, attention_mask, token_type_ids=None, word_embeddings_override=None):
        hidden_states, word_embeddings, attentions = self.transformer(
            input_ids, attention_mask, inputs_embeds=word_embeddings_override, hook=self.attention_hook)
        self.captured = {'word_embeddings': word_embeddings, 'attentions': attentions}
        logits = self.score(hidden_states)
        batch_size, sequence_length = input_ids.shape[:2]
        # the rightmost token that is not pad_token_id (works for left and right padding)
        non_pad_mask = (input_ids != self.config['pad_token_id']).to(logits.device, torch.int32)
        token_indices = torch.arange(input_ids.shape[-1], device=logits.device, dtype=torch.int32)
        last_non_pad_token = (token_indices * non_pad_mask).argmax(-1)
        return logits[torch.arange(batch_size, device=logits.device), last_non_pad_token]


def _spread_score(model):
    """A fine-tuned head is far from its std-0.02 initialisation: redraw `score` with std 1/sqrt(fan_in)."""
    model.score.weight.data.normal_(mean=0.0, std=1.0 / math.sqrt(model.score.in_features))


def make(vocab_size, pad_token_id, num_labels, problem_type=None, size='tiny'):
    if pad_token_id is None:
        raise ValueError('GPT2ForSequenceClassification needs pad_token_id to find the last token of a padded row')
    dims = SIZES[size]
    id2label, label2id = zc.label_maps(num_labels)
    cfg = {
        'model_type': MODEL_TYPE,
        'architectures': list(ARCHITECTURES),
        'vocab_size': vocab_size,
        'n_embd': dims['n_embd'],
        'n_layer': dims['n_layer'],
        'n_head': dims['n_head'],
        'n_inner': dims['n_inner'],
        'n_positions': dims['n_positions'],
        'n_ctx': dims['n_positions'],
        'hidden_size': dims['n_embd'],
        'num_hidden_layers': dims['n_layer'],
        'num_attention_heads': dims['n_head'],
        'max_position_embeddings': dims['n_positions'],
        'activation_function': 'gelu_new',
        'resid_pdrop': 0.1,
        'embd_pdrop': 0.1,
        'attn_pdrop': 0.1,
        'layer_norm_epsilon': 1e-5,
        'initializer_range': 0.02,
        'scale_attn_weights': True,
        'scale_attn_by_inverse_layer_idx': False,
        'reorder_and_upcast_attn': False,
        'summary_type': 'cls_index',
        'summary_use_proj': True,
        'summary_activation': None,
        'summary_proj_to_labels': True,
        'summary_first_dropout': 0.1,
        'use_cache': True,
        'pad_token_id': pad_token_id,
        'num_labels': num_labels,
        'id2label': id2label,
        'label2id': label2id,
    }
    if problem_type is not None:
        cfg['problem_type'] = problem_type
    torch.manual_seed(SEED)
    model = GPT2ForSequenceClassification(cfg)
    model.apply(model._init_weights)
    _spread_score(model)
    model.eval()
    config = {k: v for k, v in cfg.items() if k != 'num_labels'}
    return model, config
