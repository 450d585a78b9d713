"""ModernBERT sequence classifier, small enough for a test fixture, written after Hugging Face `transformers`.

Followed: huggingface/transformers, src/transformers/models/modernbert/modeling_modernbert.py at commit
000c33fdfde12e1ffafbfcdb3c926df5727a00b6 -- classes ModernBertEmbeddings, ModernBertMLP, ModernBertRotaryEmbedding
(compute_default_rope_parameters, forward), rotate_half, apply_rotary_pos_emb, eager_attention_forward,
ModernBertAttention, ModernBertEncoderLayer, ModernBertPreTrainedModel._init_weights, ModernBertModel (forward,
_update_attention_mask), ModernBertPredictionHead, ModernBertForSequenceClassification; plus
AttentionMaskConverter._expand_mask (_prepare_4d_attention_mask) from src/transformers/modeling_attn_mask_utils.py.
Written anew from that code, not copied.

Kept as in HF (so an export has the same ops and patterns): the eager attention path (`attn_implementation="eager"`:
explicit Softmax, so the probabilities exist as a tensor; the flash-attention path unpads with data-dependent shapes
and the SDPA path has no probabilities), pre-LN layers without biases (norm_bias, attention_bias, mlp_bias False;
layer 0's attn_norm is the identity), fused Wqkv viewed as [batch, seq, 3, heads, head_dim] and unbound, rotary
embeddings computed in the graph from position ids (inv_freq @ positions, cat, cos, sin) with theta 160000 on global
layers and 10000 on local ones, rotate_half by slicing, GeGLU MLP (Wi -> chunk -> gelu(input) * gate -> Wo),
alternating global / sliding-window layers (layer_id % global_attn_every_n_layers != 0 is local) where the window
mask is built from |i - j| <= local_attention // 2 and masked_fill(min) on top of the expanded padding mask
(1 - mask, masked_fill(min)), final_norm, the head (dense without bias, gelu, norm) on the "cls" (first token) or
"mean" (masked mean) pooled state, then the classifier. HF's truncated-normal init with its per-module stds.
Left out: dropout (identity at inference: all ModernBERT dropouts are 0.0), torch.compile paths, flash attention,
the losses.

torch 1.13 (Debian's) has no `nn.LayerNorm(bias=False)`; LayerNormNoBias is the same function (F.layer_norm with
bias None). At opset 14 it exports as the ReduceMean/Sub/Pow/Sqrt/Div/Mul decomposition without the bias Add (as
torch 2 does); at opset >= 17 as LayerNormalization with a zeros Constant bias, which is what torch 2 writes --
torch 1.13 would leave the optional bias input empty, and onnxruntime-node 1.24 segfaults on that.
Also for torch 1.13: `~window_mask` for HF's `window_mask.logical_not()` (aten::logical_not has no ONNX symbolic
in 1.13; both are ONNX Not), and the softmax upcast stays float64 for float64 reference runs (see the code).

Weights: HF's _init_weights (truncated normal, per-module stds, initializer_cutoff_factor 2), seeded (1234) in make();
then the classifier bias is set so that every class has the same mean logit over 64 seeded random texts
(zoo_common.center_head), so that predictions differ across texts.

Polarity Lens additions (no effect on the exported graph): forward() takes `word_embeddings_override` (used instead
of tok_embeddings(input_ids)) and fills `self.captured = {'word_embeddings': lookup output or override,
'attentions': [per layer, the post-softmax probabilities [batch, heads, seq, seq] that multiply the values]}`;
`self.attention_hook`, when set to a callable (layer_index, probs) -> probs, replaces the probabilities before they
are used (a test hook; None by default and during export).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import zoo_common as zc

NAME = 'modernbert'
MODEL_TYPE = 'modernbert'
ARCHITECTURES = ['ModernBertForSequenceClassification']
TOKENIZER = 'bpe'
USES_TOKEN_TYPE_IDS = False
POOLING = 'first'  # classifier_pooling "cls"; make(..., classifier_pooling='mean') gives 'mean' (see config)
SEED = 1234

SIZES = {
    # tiny: 2 layers = one global (layer 0) and one local (layer 1); a window of 16 (+-8 tokens) so that texts
    # longer than 9 tokens see the sliding window cut.
    'tiny': dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                 max_position_embeddings=128, local_attention=16),
    # answerdotai/ModernBERT-base
    'base': dict(hidden_size=768, num_hidden_layers=22, num_attention_heads=12, intermediate_size=1152,
                 max_position_embeddings=8192, local_attention=128),
}


def _export_opset():
    try:
        from torch.onnx._globals import GLOBALS
        return GLOBALS.export_onnx_opset_version
    except ImportError:  # pragma: no cover - other torch versions
        from torch.onnx import symbolic_helper
        return getattr(symbolic_helper, '_export_onnx_opset_version', 0)


class _LayerNormNoBiasOpset17(torch.autograd.Function):
    """Export-time only. torch >= 2 exports a bias-less layer_norm at opset >= 17 as LayerNormalization(x, weight,
    Constant(zeros)); torch 1.13 leaves the optional bias input empty (''), which onnxruntime-node 1.24 crashes on
    (segmentation fault at session run). This gives the graph a current exporter writes."""

    @staticmethod
    def forward(ctx, x, weight, eps, hidden_size):
        return F.layer_norm(x, (hidden_size,), weight, None, eps)

    @staticmethod
    def symbolic(g, x, weight, eps, hidden_size):
        bias = g.op('Constant', value_t=torch.zeros(hidden_size, dtype=torch.float32))
        return g.op('LayerNormalization', x, weight, bias, epsilon_f=eps, axis_i=-1)


class LayerNormNoBias(nn.Module):
    """nn.LayerNorm(hidden, eps, bias=False) of torch >= 2.1."""

    def __init__(self, hidden_size, eps):
        super().__init__()
        self.normalized_shape = (hidden_size,)
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.bias = None

    def forward(self, x):
        if torch.onnx.is_in_onnx_export() and _export_opset() >= 17:
            return _LayerNormNoBiasOpset17.apply(x, self.weight, self.eps, self.normalized_shape[0])
        return F.layer_norm(x, self.normalized_shape, self.weight, None, self.eps)


def make_norm(cfg):
    if cfg['norm_bias']:
        return nn.LayerNorm(cfg['hidden_size'], eps=cfg['norm_eps'])
    return LayerNormNoBias(cfg['hidden_size'], cfg['norm_eps'])


def act(x):
    # ACT2FN["gelu"] = GELUActivation = exact (erf) gelu
    return F.gelu(x)


def prepare_4d_attention_mask(mask, dtype, tgt_len=None):
    """[batch, src] 1/0 -> [batch, 1, tgt, src] with 0 where attended and the dtype minimum where masked."""
    bsz, src_len = mask.size()
    tgt_len = tgt_len if tgt_len is not None else src_len
    expanded_mask = mask[:, None, None, :].expand(bsz, 1, tgt_len, src_len).to(dtype)
    inverted_mask = 1.0 - expanded_mask
    return inverted_mask.masked_fill(inverted_mask.to(torch.bool), torch.finfo(dtype).min)


class ModernBertEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok_embeddings = nn.Embedding(cfg['vocab_size'], cfg['hidden_size'], padding_idx=cfg['pad_token_id'])
        self.norm = make_norm(cfg)

    def forward(self, input_ids, inputs_embeds=None):
        if inputs_embeds is None:
            inputs_embeds = self.tok_embeddings(input_ids)
        return self.norm(inputs_embeds), inputs_embeds


class ModernBertMLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.Wi = nn.Linear(cfg['hidden_size'], int(cfg['intermediate_size']) * 2, bias=cfg['mlp_bias'])
        self.Wo = nn.Linear(cfg['intermediate_size'], cfg['hidden_size'], bias=cfg['mlp_bias'])

    def forward(self, hidden_states):
        input, gate = self.Wi(hidden_states).chunk(2, dim=-1)
        return self.Wo(act(input) * gate)


class ModernBertRotaryEmbedding(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer_types = sorted(set(cfg['layer_types']))
        dim = cfg['hidden_size'] // cfg['num_attention_heads']
        for layer_type in self.layer_types:
            base = cfg['global_rope_theta'] if layer_type == 'full_attention' else cfg['local_rope_theta']
            inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(dtype=torch.float) / dim))
            self.register_buffer(f'{layer_type}_inv_freq', inv_freq, persistent=False)
            setattr(self, f'{layer_type}_attention_scaling', 1.0)

    @torch.no_grad()
    def forward(self, x, position_ids, layer_type):
        inv_freq = getattr(self, f'{layer_type}_inv_freq')
        attention_scaling = getattr(self, f'{layer_type}_attention_scaling')
        inv_freq_expanded = inv_freq[None, :, None].float().expand(position_ids.shape[0], -1, 1).to(x.device)
        position_ids_expanded = position_ids[:, None, :].float()
        freqs = (inv_freq_expanded.float() @ position_ids_expanded.float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos = emb.cos() * attention_scaling
        sin = emb.sin() * attention_scaling
        return cos.to(dtype=x.dtype), sin.to(dtype=x.dtype)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin, unsqueeze_dim=1):
    cos = cos.unsqueeze(unsqueeze_dim)
    sin = sin.unsqueeze(unsqueeze_dim)
    q_embed = (q * cos) + (rotate_half(q) * sin)
    k_embed = (k * cos) + (rotate_half(k) * sin)
    return q_embed, k_embed


class ModernBertAttention(nn.Module):
    def __init__(self, cfg, layer_id):
        super().__init__()
        self.layer_id = layer_id
        self.num_heads = cfg['num_attention_heads']
        self.head_dim = cfg['hidden_size'] // cfg['num_attention_heads']
        self.all_head_size = self.head_dim * self.num_heads
        self.Wqkv = nn.Linear(cfg['hidden_size'], 3 * self.all_head_size, bias=cfg['attention_bias'])
        if layer_id % cfg['global_attn_every_n_layers'] != 0:
            self.local_attention = (cfg['local_attention'] // 2, cfg['local_attention'] // 2)
        else:
            self.local_attention = (-1, -1)
        self.Wo = nn.Linear(cfg['hidden_size'], cfg['hidden_size'], bias=cfg['attention_bias'])

    def eager_attention_forward(self, qkv, attention_mask, sliding_window_mask, bs, dim, position_embeddings,
                                hook):
        cos, sin = position_embeddings
        query, key, value = qkv.transpose(3, 1).unbind(dim=2)
        query, key = apply_rotary_pos_emb(query, key, cos, sin)
        scale = self.head_dim ** -0.5
        attn_weights = torch.matmul(query, key.transpose(2, 3)) * scale
        if self.local_attention != (-1, -1):
            attention_mask = sliding_window_mask
        attn_weights = attn_weights + attention_mask
        # HF upcasts to float32; a float64 reference run stays in float64 (a float32 upcast would turn the float64
        # minimum into -inf, and a padded query whose whole window is padding into NaN). Same graph in float32.
        upcast = torch.float64 if attn_weights.dtype == torch.float64 else torch.float32
        attn_weights = nn.functional.softmax(attn_weights, dim=-1, dtype=upcast).to(query.dtype)
        if hook is not None:
            attn_weights = hook(self.layer_id, attn_weights)
        attn_output = torch.matmul(attn_weights, value)
        attn_output = attn_output.transpose(1, 2).contiguous()
        attn_output = attn_output.view(bs, -1, dim)
        return attn_output, attn_weights

    def forward(self, hidden_states, attention_mask, sliding_window_mask, position_embeddings, hook):
        qkv = self.Wqkv(hidden_states)
        bs = hidden_states.shape[0]
        qkv = qkv.view(bs, -1, 3, self.num_heads, self.head_dim)
        attn_output, attn_weights = self.eager_attention_forward(qkv, attention_mask, sliding_window_mask, bs,
                                                                 self.all_head_size, position_embeddings, hook)
        return self.Wo(attn_output), attn_weights


class ModernBertEncoderLayer(nn.Module):
    def __init__(self, cfg, layer_id):
        super().__init__()
        self.attn_norm = nn.Identity() if layer_id == 0 else make_norm(cfg)
        self.attn = ModernBertAttention(cfg, layer_id)
        self.mlp_norm = make_norm(cfg)
        self.mlp = ModernBertMLP(cfg)
        self.attention_type = cfg['layer_types'][layer_id]

    def forward(self, hidden_states, attention_mask, sliding_window_mask, position_embeddings, hook):
        attn_out, attn_weights = self.attn(self.attn_norm(hidden_states), attention_mask, sliding_window_mask,
                                           position_embeddings, hook)
        hidden_states = hidden_states + attn_out
        hidden_states = hidden_states + self.mlp(self.mlp_norm(hidden_states))
        return hidden_states, attn_weights


class ModernBertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embeddings = ModernBertEmbeddings(cfg)
        self.layers = nn.ModuleList([ModernBertEncoderLayer(cfg, i) for i in range(cfg['num_hidden_layers'])])
        self.final_norm = make_norm(cfg)
        self.rotary_emb = ModernBertRotaryEmbedding(cfg)

    def _update_attention_mask(self, attention_mask, dtype):
        global_attention_mask = prepare_4d_attention_mask(attention_mask, dtype)
        rows = torch.arange(global_attention_mask.shape[2]).unsqueeze(0)
        distance = torch.abs(rows - rows.T)
        window_mask = (distance <= self.cfg['local_attention'] // 2).unsqueeze(0).unsqueeze(0) \
            .to(attention_mask.device)
        # HF: window_mask.logical_not(); torch 1.13 cannot export aten::logical_not, `~` on a bool tensor is the same
        # ONNX Not.
        sliding_window_mask = global_attention_mask.masked_fill(~window_mask, torch.finfo(dtype).min)
        return global_attention_mask, sliding_window_mask

    def forward(self, input_ids, attention_mask, inputs_embeds=None, hook=None):
        batch_size, seq_len = input_ids.shape[:2]
        device = input_ids.device
        if attention_mask is None:
            attention_mask = torch.ones((batch_size, seq_len), device=device, dtype=torch.bool)
        position_ids = torch.arange(seq_len, device=device).unsqueeze(0)
        dtype = self.final_norm.weight.dtype
        attention_mask4, sliding_window_mask = self._update_attention_mask(attention_mask, dtype)
        hidden_states, word_embeddings = self.embeddings(input_ids, inputs_embeds)
        position_embeddings = {}
        for layer_type in self.cfg['layer_types']:
            position_embeddings[layer_type] = self.rotary_emb(hidden_states, position_ids, layer_type)
        attentions = []
        for encoder_layer in self.layers:
            hidden_states, attn_weights = encoder_layer(hidden_states, attention_mask4, sliding_window_mask,
                                                        position_embeddings[encoder_layer.attention_type], hook)
            attentions.append(attn_weights)
        hidden_states = self.final_norm(hidden_states)
        return hidden_states, word_embeddings, attentions


class ModernBertPredictionHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['hidden_size'], cfg['classifier_bias'])
        self.norm = make_norm(cfg)

    def forward(self, hidden_states):
        return self.norm(act(self.dense(hidden_states)))


class ModernBertForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.model = ModernBertModel(cfg)
        self.head = ModernBertPredictionHead(cfg)
        self.classifier = nn.Linear(cfg['hidden_size'], cfg['num_labels'])
        self.captured = {}
        self.attention_hook = None

    def _init_weights(self, module):
        cfg = self.config
        cutoff_factor = cfg['initializer_cutoff_factor']
        if cutoff_factor is None:
            cutoff_factor = 3

        def init_weight(m, std):
            nn.init.trunc_normal_(m.weight, mean=0.0, std=std, a=-cutoff_factor * std, b=cutoff_factor * std)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

        stds = {
            'in': cfg['initializer_range'],
            'out': cfg['initializer_range'] / math.sqrt(2.0 * cfg['num_hidden_layers']),
            'embedding': cfg['initializer_range'],
            'final_out': cfg['hidden_size'] ** -0.5,
        }
        if isinstance(module, ModernBertEmbeddings):
            init_weight(module.tok_embeddings, stds['embedding'])
        elif isinstance(module, ModernBertMLP):
            init_weight(module.Wi, stds['in'])
            init_weight(module.Wo, stds['out'])
        elif isinstance(module, ModernBertAttention):
            init_weight(module.Wqkv, stds['in'])
            init_weight(module.Wo, stds['out'])
        elif isinstance(module, ModernBertPredictionHead):
            init_weight(module.dense, stds['out'])
        elif isinstance(module, ModernBertForSequenceClassification):
            init_weight(module.classifier, stds['final_out'])
        elif isinstance(module, (nn.LayerNorm, LayerNormNoBias)):
            nn.init.ones_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)

    def forward(self, input_ids, attention_mask, token_type_ids=None, word_embeddings_override=None):
        if attention_mask is None:
            attention_mask = torch.ones(input_ids.shape[:2], device=input_ids.device, dtype=torch.bool)
        last_hidden_state, word_embeddings, attentions = self.model(
            input_ids, attention_mask, inputs_embeds=word_embeddings_override, hook=self.attention_hook)
        self.captured = {'word_embeddings': word_embeddings, 'attentions': attentions}
        if self.config['classifier_pooling'] == 'cls':
            last_hidden_state = last_hidden_state[:, 0]
        elif self.config['classifier_pooling'] == 'mean':
            last_hidden_state = (last_hidden_state * attention_mask.unsqueeze(-1)).sum(dim=1) / attention_mask.sum(
                dim=1, keepdim=True)
        pooled_output = self.head(last_hidden_state)
        return self.classifier(pooled_output)


def make(vocab_size, pad_token_id, num_labels, problem_type=None, size='tiny', classifier_pooling='cls'):
    dims = SIZES[size]
    if classifier_pooling not in ('cls', 'mean'):
        raise ValueError(f'classifier_pooling must be "cls" or "mean", not {classifier_pooling!r}')
    id2label, label2id = zc.label_maps(num_labels)
    every = 3
    layer_types = ['sliding_attention' if i % every else 'full_attention' for i in range(dims['num_hidden_layers'])]
    cfg = {
        'model_type': MODEL_TYPE,
        'architectures': list(ARCHITECTURES),
        'vocab_size': vocab_size,
        'hidden_size': dims['hidden_size'],
        'num_hidden_layers': dims['num_hidden_layers'],
        'num_attention_heads': dims['num_attention_heads'],
        'intermediate_size': dims['intermediate_size'],
        'hidden_activation': 'gelu',
        'max_position_embeddings': dims['max_position_embeddings'],
        'initializer_range': 0.02,
        'initializer_cutoff_factor': 2.0,
        'norm_eps': 1e-5,
        'norm_bias': False,
        'pad_token_id': pad_token_id,
        'global_rope_theta': 160000.0,
        'local_rope_theta': 10000.0,
        'attention_bias': False,
        'attention_dropout': 0.0,
        'global_attn_every_n_layers': every,
        'local_attention': dims['local_attention'],
        'layer_types': layer_types,
        'embedding_dropout': 0.0,
        'mlp_bias': False,
        'mlp_dropout': 0.0,
        'classifier_pooling': classifier_pooling,
        'classifier_dropout': 0.0,
        'classifier_bias': False,
        'classifier_activation': 'gelu',
        'deterministic_flash_attn': False,
        'reference_compile': False,
        'num_labels': num_labels,
        'id2label': id2label,
        'label2id': label2id,
    }
    if problem_type is not None:
        cfg['problem_type'] = problem_type
    torch.manual_seed(SEED)
    model = ModernBertForSequenceClassification(cfg)
    model.apply(model._init_weights)
    model.eval()
    zc.center_head(model, model.classifier.bias, vocab_size, pad_token_id, SEED)
    config = {k: v for k, v in cfg.items() if k != 'num_labels'}
    return model, config
