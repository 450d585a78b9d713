"""SetFit-style sentence-transformer classifier (BERT/MiniLM encoder, masked mean pooling, linear head), small enough
for a test fixture, written after Hugging Face `transformers` and `setfit`.

Followed:
- huggingface/transformers, src/transformers/models/bert/modeling_bert.py at commit
  004ad5f50b627b59bf0d581c31bc0052b6cfd40b -- BertEmbeddings (word + token-type from the zero `token_type_ids`
  buffer + absolute positions from the `position_ids` buffer, LayerNorm), BertSelfAttention (eager: matmul, / sqrt(d),
  + additive mask, Softmax, matmul), BertSelfOutput, BertAttention, BertIntermediate, BertOutput, BertLayer,
  BertEncoder, BertModel's extended attention mask and BertPreTrainedModel._init_weights. The extended mask is
  (1 - mask) * finfo(dtype).min as in current ModuleUtilsMixin.get_extended_attention_mask (that old commit still
  used -10000.0; both give exactly 0 after the softmax in float32).
- huggingface/setfit, src/setfit/exporters/onnx.py (OnnxSetFitModel: body -> pooler -> head) at commit
  1628a320745594ba5ed67d8b8a8104db6986980d, src/setfit/exporters/utils.py mean_pooling at commit
  40b6f020b911ecc6f2d3c2e270f63a9505aaac50 (sum(h * mask) / clamp(sum(mask), 1e-9)), and SetFitHead from
  src/setfit/modeling.py (nn.Linear with xavier_uniform weight and bias 1e-2, logits / (temperature + eps)).
Written anew from that code, not copied.

Dims of 'base' are sentence-transformers/all-MiniLM-L6-v2 (BertModel 6 x 384, 12 heads, intermediate 1536).
Left out: BertPooler (sentence-transformers reads last_hidden_state; the pooler is dead code in the export),
dropout (identity at inference), the Normalize module some bodies add, token_type_ids as a graph input (SetFit's
exporter forces one in with `+ 0 * token_type_ids.sum()`; this fixture takes input_ids and attention_mask only, and
BERT reads its zero token-type buffer as HF does when token_type_ids is None), the losses.

Weights: BertPreTrainedModel._init_weights (normal std 0.02, zero biases, zero padding row, LayerNorm 1/0) and
SetFitHead._init_weight, seeded (1234) in make(); then the head bias is set so that every class has the same mean
logit over 64 seeded random texts (zoo_common.center_head): mean pooling of an untrained encoder shares one large component
across texts, and without this nearly every text gets the same label.

Polarity Lens additions (no effect on the exported graph): forward() takes `word_embeddings_override` (used instead
of word_embeddings(input_ids)) and fills `self.captured = {'word_embeddings': lookup output or override,
'attentions': [per layer, the post-softmax probabilities [batch, heads, seq, seq] that multiply the values]}`;
`self.attention_hook`, when set to a callable (layer_index, probs) -> probs, replaces the probabilities before they
are used (a test hook; None by default and during export).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import zoo_common as zc

NAME = 'sentence-mean'
MODEL_TYPE = 'bert'
ARCHITECTURES = ['BertModel']
TOKENIZER = 'wordpiece'
USES_TOKEN_TYPE_IDS = False
POOLING = 'mean'
SEED = 1234

SIZES = {
    'tiny': dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                 max_position_embeddings=128),
    # sentence-transformers/all-MiniLM-L6-v2
    'base': dict(hidden_size=384, num_hidden_layers=6, num_attention_heads=12, intermediate_size=1536,
                 max_position_embeddings=512),
}


class BertEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg['vocab_size'], cfg['hidden_size'], padding_idx=cfg['pad_token_id'])
        self.position_embeddings = nn.Embedding(cfg['max_position_embeddings'], cfg['hidden_size'])
        self.token_type_embeddings = nn.Embedding(cfg['type_vocab_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], eps=cfg['layer_norm_eps'])
        self.register_buffer('position_ids', torch.arange(cfg['max_position_embeddings']).expand((1, -1)),
                             persistent=False)
        self.register_buffer('token_type_ids', torch.zeros(self.position_ids.size(), dtype=torch.long),
                             persistent=False)

    def forward(self, input_ids, token_type_ids=None, inputs_embeds=None):
        input_shape = input_ids.size()
        seq_length = input_shape[1]
        position_ids = self.position_ids[:, 0:seq_length]
        if token_type_ids is None:
            buffered_token_type_ids = self.token_type_ids[:, :seq_length]
            token_type_ids = buffered_token_type_ids.expand(input_shape[0], seq_length)
        if inputs_embeds is None:
            inputs_embeds = self.word_embeddings(input_ids)
        token_type_embeddings = self.token_type_embeddings(token_type_ids)
        embeddings = inputs_embeds + token_type_embeddings
        position_embeddings = self.position_embeddings(position_ids)
        embeddings = embeddings + position_embeddings
        return self.LayerNorm(embeddings), inputs_embeds


class BertSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.num_attention_heads = cfg['num_attention_heads']
        self.attention_head_size = int(cfg['hidden_size'] / cfg['num_attention_heads'])
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(cfg['hidden_size'], self.all_head_size)
        self.key = nn.Linear(cfg['hidden_size'], self.all_head_size)
        self.value = nn.Linear(cfg['hidden_size'], self.all_head_size)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        x = x.view(new_x_shape)
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask, layer_index, hook):
        mixed_query_layer = self.query(hidden_states)
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        query_layer = self.transpose_for_scores(mixed_query_layer)
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        if attention_mask is not None:
            attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        if hook is not None:
            attention_probs = hook(layer_index, attention_probs)
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        context_layer = context_layer.view(new_context_layer_shape)
        return context_layer, attention_probs


class BertSelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], eps=cfg['layer_norm_eps'])

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self = BertSelfAttention(cfg)
        self.output = BertSelfOutput(cfg)

    def forward(self, hidden_states, attention_mask, layer_index, hook):
        self_output, probs = self.self(hidden_states, attention_mask, layer_index, hook)
        return self.output(self_output, hidden_states), probs


class BertIntermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['hidden_size'], cfg['intermediate_size'])

    def forward(self, hidden_states):
        return F.gelu(self.dense(hidden_states))  # ACT2FN["gelu"]: exact (erf) gelu


class BertOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg['intermediate_size'], cfg['hidden_size'])
        self.LayerNorm = nn.LayerNorm(cfg['hidden_size'], eps=cfg['layer_norm_eps'])

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = BertAttention(cfg)
        self.intermediate = BertIntermediate(cfg)
        self.output = BertOutput(cfg)

    def forward(self, hidden_states, attention_mask, layer_index, hook):
        attention_output, probs = self.attention(hidden_states, attention_mask, layer_index, hook)
        return self.output(self.intermediate(attention_output), attention_output), probs


class BertEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(cfg) for _ in range(cfg['num_hidden_layers'])])

    def forward(self, hidden_states, attention_mask, hook):
        attentions = []
        for i, layer_module in enumerate(self.layer):
            hidden_states, probs = layer_module(hidden_states, attention_mask, i, hook)
            attentions.append(probs)
        return hidden_states, attentions


class BertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = BertEmbeddings(cfg)
        self.encoder = BertEncoder(cfg)

    def forward(self, input_ids, attention_mask, token_type_ids=None, inputs_embeds=None, hook=None):
        if attention_mask is None:
            attention_mask = torch.ones(input_ids.size(), device=input_ids.device)
        dtype = self.embeddings.LayerNorm.weight.dtype
        # get_extended_attention_mask: [batch, 1, 1, seq], 0 where attended, finfo(dtype).min where masked
        extended_attention_mask = attention_mask[:, None, None, :]
        extended_attention_mask = extended_attention_mask.to(dtype=dtype)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(dtype).min
        embedding_output, word_embeddings = self.embeddings(input_ids, token_type_ids, inputs_embeds)
        sequence_output, attentions = self.encoder(embedding_output, extended_attention_mask, hook)
        return sequence_output, word_embeddings, attentions


def mean_pooling(token_embeddings, attention_mask):
    """setfit.exporters.utils.mean_pooling: the attention-mask-weighted mean over the sequence."""
    input_mask_expanded = attention_mask.unsqueeze(-1).expand(token_embeddings.size()).to(token_embeddings.dtype)
    return torch.sum(token_embeddings * input_mask_expanded, 1) / torch.clamp(input_mask_expanded.sum(1), min=1e-9)


class SetFitHead(nn.Module):
    """The differentiable SetFit head: a linear layer; logits / (temperature + eps)."""

    def __init__(self, in_features, out_features, temperature=1.0, eps=1e-5):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features, bias=True)
        self.temperature = temperature
        self.eps = eps

    def forward(self, x):
        return self.linear(x) / (self.temperature + self.eps)


class SentenceMeanClassifier(nn.Module):
    """OnnxSetFitModel: model_body (BertModel) -> mean pooling -> model_head."""

    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.model_body = BertModel(cfg)
        self.model_head = SetFitHead(cfg['hidden_size'], cfg['num_labels'])
        self.captured = {}
        self.attention_hook = None

    def _init_weights(self, module):
        zc.init_module(module, self.config['initializer_range'])

    def forward(self, input_ids, attention_mask, token_type_ids=None, word_embeddings_override=None):
        if attention_mask is None:
            attention_mask = torch.ones(input_ids.size(), dtype=torch.long, device=input_ids.device)
        token_embeddings, word_embeddings, attentions = self.model_body(
            input_ids, attention_mask, token_type_ids, inputs_embeds=word_embeddings_override,
            hook=self.attention_hook)
        self.captured = {'word_embeddings': word_embeddings, 'attentions': attentions}
        embeddings = mean_pooling(token_embeddings, attention_mask)
        return self.model_head(embeddings)


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
        'type_vocab_size': 2,
        'initializer_range': 0.02,
        'layer_norm_eps': 1e-12,
        'position_embedding_type': 'absolute',
        'pad_token_id': pad_token_id,
        'pooling': 'mean',
        'polarity_lens_head': 'mean-pooling-linear',
        'num_labels': num_labels,
        'id2label': id2label,
        'label2id': label2id,
    }
    if problem_type is not None:
        cfg['problem_type'] = problem_type
    torch.manual_seed(SEED)
    model = SentenceMeanClassifier(cfg)
    model.model_body.apply(model._init_weights)  # BertModel.post_init
    # SetFitHead._init_weight: xavier_uniform weight, bias 1e-2
    nn.init.xavier_uniform_(model.model_head.linear.weight)
    nn.init.constant_(model.model_head.linear.bias, 1e-2)
    model.eval()
    zc.center_head(model, model.model_head.linear.bias, vocab_size, pad_token_id, SEED)
    config = {k: v for k, v in cfg.items() if k != 'num_labels'}
    return model, config
