"""DeBERTa-v3 sequence classifier, small enough for a test fixture, written after Hugging Face `transformers`.

Followed: huggingface/transformers, src/transformers/models/deberta_v2/modeling_deberta_v2.py at commit
967ed0db036766dc1e9a964eca66a8c07df1b902 -- classes ContextPooler, XSoftmax (forward and its ONNX `symbolic`),
DebertaV2SelfOutput, DebertaV2Attention, DebertaV2Intermediate, DebertaV2Output, DebertaV2Layer, DebertaV2Encoder
(get_rel_embedding, get_attention_mask, get_rel_pos), make_log_bucket_position, build_relative_position,
DisentangledSelfAttention (with disentangled_attention_bias), DebertaV2Embeddings, DebertaV2PreTrainedModel
._init_weights, DebertaV2Model, DebertaV2ForSequenceClassification. Written anew from that code, not copied.

Kept as in HF (so an export has the same ops and patterns): disentangled attention with c2p and p2c terms, shared
attention key (share_att_key, v3), log-bucketed relative positions (position_buckets), LayerNorm on the relative
embeddings (norm_rel_ebd "layer_norm"), the sqrt(d * scale_factor) scale with scale_factor 3, bmm over
[batch*heads, seq, head_dim], GatherElements on the clamped relative positions, XSoftmax exported by its own
symbolic as Cast/Sub/Cast + Where(min) + Softmax + Where(0), the embedding output multiplied by the mask, no absolute
positions (position_biased_input False), no token types (type_vocab_size 0), ContextPooler (first token, dense,
gelu) then the classifier. Left out: dropout machinery (StableDropout is the identity at inference), the optional
ConvLayer (conv_kernel_size 0 in v3), z_steps (0), query_states (None), the losses.

Weights: HF's _init_weights (normal std 0.02, zero biases, zero padding row), seeded (1234) in make(); then, because
an untrained std-0.02 head leaves every probability within 0.01 of 1/num_labels, the pooler dense and the classifier
are redrawn with std 1/sqrt(fan_in) and 2/sqrt(fan_in) (_spread_head), and the classifier bias is set so that every
class has the same mean logit over 64 seeded random texts (zoo_common.center_head), so that predictions differ across texts.

Polarity Lens additions (no effect on the exported graph): forward() takes `word_embeddings_override` (used instead
of the word-embedding lookup) and fills `self.captured = {'word_embeddings': lookup output or override,
'attentions': [per layer, the post-XSoftmax probabilities [batch, heads, seq, seq] that multiply the values]}`;
`self.attention_hook`, when set to a callable (layer_index, probs) -> probs, replaces the probabilities before they
are used (a test hook; None by default and during export).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import zoo_common as zc

NAME = 'deberta-v3'
MODEL_TYPE = 'deberta-v2'
ARCHITECTURES = ['DebertaV2ForSequenceClassification']
TOKENIZER = 'unigram'
USES_TOKEN_TYPE_IDS = False
POOLING = 'first'
SEED = 1234

SIZES = {
    # tiny: position_buckets 32 (mid 16) so sequences longer than 16 tokens reach the log buckets.
    'tiny': dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                 max_position_embeddings=128, position_buckets=32),
    # microsoft/deberta-v3-base
    'base': dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                 max_position_embeddings=512, position_buckets=256),
}


def gelu(x):
    # ACT2FN["gelu"] = GELUActivation = exact (erf) gelu
    return F.gelu(x)


class XSoftmax(torch.autograd.Function):
    """Masked softmax: fill the masked scores with the dtype minimum, softmax, zero the masked probabilities.
    The ONNX symbolic is HF's: Cast(mask, int64) -> Sub(1, .) -> Cast(bool) -> Where(min) -> Softmax -> Where(0)."""

    @staticmethod
    def forward(ctx, input, mask, dim):
        ctx.dim = dim
        rmask = ~(mask.to(torch.bool))
        output = input.masked_fill(rmask, torch.tensor(torch.finfo(input.dtype).min))
        output = torch.softmax(output, ctx.dim)
        output.masked_fill_(rmask, 0)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        (output,) = ctx.saved_tensors
        # softmax backward (HF: softmax_backward_data): y * (g - sum(g * y))
        grad_input = output * (grad_output - (grad_output * output).sum(ctx.dim, keepdim=True))
        return grad_input, None, None

    @staticmethod
    def symbolic(g, self, mask, dim):
        import torch.onnx.symbolic_helper as sym_help
        from torch.onnx.symbolic_opset9 import masked_fill, softmax

        mask_cast_value = g.op('Cast', mask, to_i=sym_help.cast_pytorch_to_onnx['Long'])
        r_mask = g.op('Cast', g.op('Sub', g.op('Constant', value_t=torch.tensor(1, dtype=torch.int64)),
                                   mask_cast_value), to_i=sym_help.cast_pytorch_to_onnx['Bool'])
        output = masked_fill(g, self, r_mask,
                             g.op('Constant', value_t=torch.tensor(torch.finfo(torch.float32).min)))
        output = softmax(g, output, dim)
        return masked_fill(g, output, r_mask, g.op('Constant', value_t=torch.tensor(0, dtype=torch.bool)))


def make_log_bucket_position(relative_pos, bucket_size, max_position):
    sign = torch.sign(relative_pos)
    mid = bucket_size // 2
    abs_pos = torch.where((relative_pos < mid) & (relative_pos > -mid),
                          torch.tensor(mid - 1).type_as(relative_pos), torch.abs(relative_pos))
    log_pos = torch.ceil(torch.log(abs_pos / mid) / torch.log(torch.tensor((max_position - 1) / mid))
                         * (mid - 1)) + mid
    return torch.where(abs_pos <= mid, relative_pos.type_as(log_pos), log_pos * sign)


def build_relative_position(query_size, key_size, bucket_size=-1, max_position=-1, device=None):
    """[1, query_size, key_size] relative positions q - k, log-bucketed when bucket_size > 0."""
    q_ids = torch.arange(0, query_size, device=device)
    k_ids = torch.arange(0, key_size, device=device)
    rel_pos_ids = q_ids[:, None] - k_ids[None, :]
    if bucket_size > 0 and max_position > 0:
        rel_pos_ids = make_log_bucket_position(rel_pos_ids, bucket_size, max_position)
    rel_pos_ids = rel_pos_ids.to(torch.long)
    rel_pos_ids = rel_pos_ids[:query_size, :]
    return rel_pos_ids.unsqueeze(0)


class ContextPooler(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['pooler_hidden_size'], cfg['pooler_hidden_size'])

    def forward(self, hidden_states):
        context_token = hidden_states[:, 0]
        return gelu(self.dense(context_token))


class DisentangledSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.num_attention_heads = cfg['num_attention_heads']
        self.attention_head_size = cfg['hidden_size'] // cfg['num_attention_heads']
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query_proj = nn.Linear(cfg['hidden_size'], self.all_head_size, bias=True)
        self.key_proj = nn.Linear(cfg['hidden_size'], self.all_head_size, bias=True)
        self.value_proj = nn.Linear(cfg['hidden_size'], self.all_head_size, bias=True)
        self.share_att_key = cfg['share_att_key']
        self.pos_att_type = list(cfg['pos_att_type'] or [])
        self.relative_attention = cfg['relative_attention']
        if self.relative_attention:
            self.position_buckets = cfg['position_buckets']
            self.max_relative_positions = cfg['max_relative_positions']
            if self.max_relative_positions < 1:
                self.max_relative_positions = cfg['max_position_embeddings']
            self.pos_ebd_size = self.max_relative_positions
            if self.position_buckets > 0:
                self.pos_ebd_size = self.position_buckets
            if not self.share_att_key:
                if 'c2p' in self.pos_att_type:
                    self.pos_key_proj = nn.Linear(cfg['hidden_size'], self.all_head_size, bias=True)
                if 'p2c' in self.pos_att_type:
                    self.pos_query_proj = nn.Linear(cfg['hidden_size'], self.all_head_size)

    def transpose_for_scores(self, x, attention_heads):
        new_x_shape = x.size()[:-1] + (attention_heads, -1)
        x = x.view(new_x_shape)
        return x.permute(0, 2, 1, 3).contiguous().view(-1, x.size(1), x.size(-1))

    def forward(self, hidden_states, attention_mask, relative_pos, rel_embeddings, layer_index, hook):
        query_layer = self.transpose_for_scores(self.query_proj(hidden_states), self.num_attention_heads)
        key_layer = self.transpose_for_scores(self.key_proj(hidden_states), self.num_attention_heads)
        value_layer = self.transpose_for_scores(self.value_proj(hidden_states), self.num_attention_heads)

        rel_att = None
        scale_factor = 1
        if 'c2p' in self.pos_att_type:
            scale_factor += 1
        if 'p2c' in self.pos_att_type:
            scale_factor += 1
        scale = torch.sqrt(torch.tensor(query_layer.size(-1), dtype=torch.float) * scale_factor)
        attention_scores = torch.bmm(query_layer, key_layer.transpose(-1, -2) / scale.to(dtype=query_layer.dtype))
        if self.relative_attention:
            rel_att = self.disentangled_attention_bias(query_layer, key_layer, relative_pos, rel_embeddings,
                                                       scale_factor)
        if rel_att is not None:
            attention_scores = attention_scores + rel_att
        attention_scores = attention_scores.view(-1, self.num_attention_heads, attention_scores.size(-2),
                                                 attention_scores.size(-1))

        attention_probs = XSoftmax.apply(attention_scores, attention_mask, -1)
        if hook is not None:
            attention_probs = hook(layer_index, attention_probs)
        context_layer = torch.bmm(attention_probs.view(-1, attention_probs.size(-2), attention_probs.size(-1)),
                                  value_layer)
        context_layer = (context_layer.view(-1, self.num_attention_heads, context_layer.size(-2),
                                            context_layer.size(-1)).permute(0, 2, 1, 3).contiguous())
        new_context_layer_shape = context_layer.size()[:-2] + (-1,)
        return context_layer.view(new_context_layer_shape), attention_probs

    def disentangled_attention_bias(self, query_layer, key_layer, relative_pos, rel_embeddings, scale_factor):
        if relative_pos is None:
            relative_pos = build_relative_position(query_layer.size(-2), key_layer.size(-2),
                                                   bucket_size=self.position_buckets,
                                                   max_position=self.max_relative_positions,
                                                   device=query_layer.device)
        if relative_pos.dim() == 2:
            relative_pos = relative_pos.unsqueeze(0).unsqueeze(0)
        elif relative_pos.dim() == 3:
            relative_pos = relative_pos.unsqueeze(1)
        elif relative_pos.dim() != 4:
            raise ValueError(f'Relative position ids must be of dim 2 or 3 or 4. {relative_pos.dim()}')

        att_span = self.pos_ebd_size
        relative_pos = relative_pos.long().to(query_layer.device)

        rel_embeddings = rel_embeddings[0: att_span * 2, :].unsqueeze(0)
        if self.share_att_key:
            pos_query_layer = self.transpose_for_scores(self.query_proj(rel_embeddings), self.num_attention_heads) \
                .repeat(query_layer.size(0) // self.num_attention_heads, 1, 1)
            pos_key_layer = self.transpose_for_scores(self.key_proj(rel_embeddings), self.num_attention_heads) \
                .repeat(query_layer.size(0) // self.num_attention_heads, 1, 1)
        else:
            if 'c2p' in self.pos_att_type:
                pos_key_layer = self.transpose_for_scores(self.pos_key_proj(rel_embeddings),
                                                          self.num_attention_heads) \
                    .repeat(query_layer.size(0) // self.num_attention_heads, 1, 1)
            if 'p2c' in self.pos_att_type:
                pos_query_layer = self.transpose_for_scores(self.pos_query_proj(rel_embeddings),
                                                            self.num_attention_heads) \
                    .repeat(query_layer.size(0) // self.num_attention_heads, 1, 1)

        score = 0
        # content -> position
        if 'c2p' in self.pos_att_type:
            scale = torch.sqrt(torch.tensor(pos_key_layer.size(-1), dtype=torch.float) * scale_factor)
            c2p_att = torch.bmm(query_layer, pos_key_layer.transpose(-1, -2))
            c2p_pos = torch.clamp(relative_pos + att_span, 0, att_span * 2 - 1)
            c2p_att = torch.gather(c2p_att, dim=-1, index=c2p_pos.squeeze(0).expand(
                [query_layer.size(0), query_layer.size(1), relative_pos.size(-1)]))
            score += c2p_att / scale.to(dtype=c2p_att.dtype)

        # position -> content
        if 'p2c' in self.pos_att_type:
            scale = torch.sqrt(torch.tensor(pos_query_layer.size(-1), dtype=torch.float) * scale_factor)
            if key_layer.size(-2) != query_layer.size(-2):
                r_pos = build_relative_position(key_layer.size(-2), key_layer.size(-2),
                                                bucket_size=self.position_buckets,
                                                max_position=self.max_relative_positions,
                                                device=query_layer.device).unsqueeze(0)
            else:
                r_pos = relative_pos
            p2c_pos = torch.clamp(-r_pos + att_span, 0, att_span * 2 - 1)
            p2c_att = torch.bmm(key_layer, pos_query_layer.transpose(-1, -2))
            p2c_att = torch.gather(p2c_att, dim=-1, index=p2c_pos.squeeze(0).expand(
                [query_layer.size(0), key_layer.size(-2), key_layer.size(-2)])).transpose(-1, -2)
            score += p2c_att / scale.to(dtype=p2c_att.dtype)

        return score


class DebertaV2SelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], cfg['layer_norm_eps'])

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class DebertaV2Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self = DisentangledSelfAttention(cfg)
        self.output = DebertaV2SelfOutput(cfg)

    def forward(self, hidden_states, attention_mask, relative_pos, rel_embeddings, layer_index, hook):
        self_output, att_matrix = self.self(hidden_states, attention_mask, relative_pos, rel_embeddings,
                                            layer_index, hook)
        return self.output(self_output, hidden_states), att_matrix


class DebertaV2Intermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['intermediate_size'])

    def forward(self, hidden_states):
        return gelu(self.dense(hidden_states))


class DebertaV2Output(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['intermediate_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], cfg['layer_norm_eps'])

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class DebertaV2Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = DebertaV2Attention(cfg)
        self.intermediate = DebertaV2Intermediate(cfg)
        self.output = DebertaV2Output(cfg)

    def forward(self, hidden_states, attention_mask, relative_pos, rel_embeddings, layer_index, hook):
        attention_output, att_matrix = self.attention(hidden_states, attention_mask, relative_pos, rel_embeddings,
                                                      layer_index, hook)
        layer_output = self.output(self.intermediate(attention_output), attention_output)
        return layer_output, att_matrix


class DebertaV2Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([DebertaV2Layer(cfg) for _ in range(cfg['num_hidden_layers'])])
        self.relative_attention = cfg['relative_attention']
        if self.relative_attention:
            self.max_relative_positions = cfg['max_relative_positions']
            if self.max_relative_positions < 1:
                self.max_relative_positions = cfg['max_position_embeddings']
            self.position_buckets = cfg['position_buckets']
            pos_ebd_size = self.max_relative_positions * 2
            if self.position_buckets > 0:
                pos_ebd_size = self.position_buckets * 2
            self.rel_embeddings = nn.Embedding(pos_ebd_size, cfg['hidden_size'])
        self.norm_rel_ebd = [x.strip() for x in cfg['norm_rel_ebd'].lower().split('|')]
        if 'layer_norm' in self.norm_rel_ebd:
            self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], cfg['layer_norm_eps'], elementwise_affine=True)

    def get_rel_embedding(self):
        rel_embeddings = self.rel_embeddings.weight if self.relative_attention else None
        if rel_embeddings is not None and ('layer_norm' in self.norm_rel_ebd):
            rel_embeddings = self.LayerNorm(rel_embeddings)
        return rel_embeddings

    def get_attention_mask(self, attention_mask):
        if attention_mask.dim() <= 2:
            extended_attention_mask = attention_mask.unsqueeze(1).unsqueeze(2)
            attention_mask = extended_attention_mask * extended_attention_mask.squeeze(-2).unsqueeze(-1)
        elif attention_mask.dim() == 3:
            attention_mask = attention_mask.unsqueeze(1)
        return attention_mask

    def get_rel_pos(self, hidden_states):
        if self.relative_attention:
            q = hidden_states.size(-2)
            return build_relative_position(q, hidden_states.size(-2), bucket_size=self.position_buckets,
                                           max_position=self.max_relative_positions, device=hidden_states.device)
        return None

    def forward(self, hidden_states, attention_mask, hook=None):
        attention_mask = self.get_attention_mask(attention_mask)
        relative_pos = self.get_rel_pos(hidden_states)
        rel_embeddings = self.get_rel_embedding()
        attentions = []
        next_kv = hidden_states
        for i, layer_module in enumerate(self.layer):
            output_states, att_m = layer_module(next_kv, attention_mask, relative_pos, rel_embeddings, i, hook)
            next_kv = output_states
            attentions.append(att_m)
        return next_kv, attentions


class DebertaV2Embeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embedding_size = cfg.get('embedding_size', cfg['hidden_size'])
        self.word_embeddings = nn.Embedding(cfg['vocab_size'], self.embedding_size, padding_idx=cfg['pad_token_id'])
        self.position_biased_input = cfg['position_biased_input']
        self.position_embeddings = (nn.Embedding(cfg['max_position_embeddings'], self.embedding_size)
                                    if self.position_biased_input else None)
        if cfg['type_vocab_size'] > 0:
            self.token_type_embeddings = nn.Embedding(cfg['type_vocab_size'], self.embedding_size)
        if self.embedding_size != cfg['hidden_size']:
            self.embed_proj = nn.Linear(self.embedding_size, cfg['hidden_size'], bias=False)
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], cfg['layer_norm_eps'])
        self.register_buffer('position_ids', torch.arange(cfg['max_position_embeddings']).expand((1, -1)),
                             persistent=False)

    def forward(self, input_ids, mask, inputs_embeds=None):
        input_shape = input_ids.size()
        seq_length = input_shape[1]
        position_ids = self.position_ids[:, :seq_length]
        token_type_ids = torch.zeros(input_shape, dtype=torch.long, device=self.position_ids.device)
        if inputs_embeds is None:
            inputs_embeds = self.word_embeddings(input_ids)
        word_embeddings = inputs_embeds
        embeddings = inputs_embeds
        if self.position_biased_input:
            embeddings = embeddings + self.position_embeddings(position_ids.long())
        if self.cfg['type_vocab_size'] > 0:
            embeddings = embeddings + self.token_type_embeddings(token_type_ids)
        if self.embedding_size != self.cfg['hidden_size']:
            embeddings = self.embed_proj(embeddings)
        embeddings = self.LayerNorm(embeddings)
        if mask is not None:
            if mask.dim() != embeddings.dim():
                if mask.dim() == 4:
                    mask = mask.squeeze(1).squeeze(1)
                mask = mask.unsqueeze(2)
            mask = mask.to(embeddings.dtype)
            embeddings = embeddings * mask
        return embeddings, word_embeddings


class DebertaV2Model(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = DebertaV2Embeddings(cfg)
        self.encoder = DebertaV2Encoder(cfg)

    def forward(self, input_ids, attention_mask, inputs_embeds=None, hook=None):
        if attention_mask is None:
            attention_mask = torch.ones(input_ids.size(), device=input_ids.device)
        embedding_output, word_embeddings = self.embeddings(input_ids, attention_mask, inputs_embeds)
        sequence_output, attentions = self.encoder(embedding_output, attention_mask, hook)
        return sequence_output, word_embeddings, attentions


class DebertaV2ForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.deberta = DebertaV2Model(cfg)
        self.pooler = ContextPooler(cfg)
        self.classifier = nn.Linear(cfg['pooler_hidden_size'], cfg['num_labels'])
        self.captured = {}
        self.attention_hook = None

    def _init_weights(self, module):
        zc.init_module(module, self.config['initializer_range'])

    def forward(self, input_ids, attention_mask, token_type_ids=None, word_embeddings_override=None):
        sequence_output, word_embeddings, attentions = self.deberta(
            input_ids, attention_mask, inputs_embeds=word_embeddings_override, hook=self.attention_hook)
        self.captured = {'word_embeddings': word_embeddings, 'attentions': attentions}
        return self.classifier(self.pooler(sequence_output))


def _spread_head(model):
    """A fine-tuned head is far from its std-0.02 initialisation; with it, every probability would sit within 0.01
    of 1/num_labels. The pooler dense and the classifier are redrawn (same seeded stream, after the HF init) with
    std 1/sqrt(fan_in) and 2/sqrt(fan_in) so that probabilities spread over (0, 1) and predictions differ."""
    for layer, gain in ((model.pooler.dense, 1.0), (model.classifier, 2.0)):
        layer.weight.data.normal_(mean=0.0, std=gain / math.sqrt(layer.in_features))
        layer.bias.data.zero_()


def make(vocab_size, pad_token_id, num_labels, problem_type=None, size='tiny'):
    dims = SIZES[size]
    id2label, label2id = zc.label_maps(num_labels)
    cfg = {
        'model_type': MODEL_TYPE,
        'architectures': list(ARCHITECTURES),
        'vocab_size': vocab_size,
        'hidden_size': dims['hidden_size'],
        'num_hidden_layers': dims['num_hidden_layers'],
        'num_attention_heads': dims['num_attention_heads'],
        'intermediate_size': dims['intermediate_size'],
        'hidden_act': 'gelu',
        'hidden_dropout_prob': 0.1,
        'attention_probs_dropout_prob': 0.1,
        'max_position_embeddings': dims['max_position_embeddings'],
        'type_vocab_size': 0,
        'initializer_range': 0.02,
        'layer_norm_eps': 1e-7,
        'relative_attention': True,
        'max_relative_positions': -1,
        'position_buckets': dims['position_buckets'],
        'norm_rel_ebd': 'layer_norm',
        'share_att_key': True,
        'pos_att_type': ['p2c', 'c2p'],
        'position_biased_input': False,
        'pad_token_id': pad_token_id,
        'pooler_hidden_size': dims['hidden_size'],
        'pooler_dropout': 0,
        'pooler_hidden_act': 'gelu',
        'num_labels': num_labels,
        'id2label': id2label,
        'label2id': label2id,
    }
    if problem_type is not None:
        cfg['problem_type'] = problem_type
    torch.manual_seed(SEED)
    model = DebertaV2ForSequenceClassification(cfg)
    model.apply(model._init_weights)
    _spread_head(model)
    model.eval()
    zc.center_head(model, model.classifier.bias, vocab_size, pad_token_id, SEED)
    config = {k: v for k, v in cfg.items() if k != 'num_labels'}
    return model, config
