"""The shipped Polarity Lens classifiers, written so that `torch.onnx.export` yields plain ONNX ops only.

Every model has the same signature: forward(input_ids, attention_mask) -> (logits, attentions...), and
forward_embedded(word_embeddings, input_ids, attention_mask) so that the reference fixtures can feed scaled or
zeroed word embeddings (Integrated Gradients, the zero-embedding erasure operator) exactly as the engine will.

Conventions shared with the engine (see models/README.md):
- id 0 is [PAD]; its embedding row is zero and stays zero (padding_idx).
- `attention_mask` is 1 for a position the model may attend to and 0 for padding or for a token erased by the
  attention-mask operator. The recurrent/convolutional *encoders* do not read it: they read the token itself (the
  paper's att_mask only changes the attention softmax), and use `input_ids != 0` to know where padding starts.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG_INF = -1e9  # added to masked scores; exp() of it underflows to exactly 0 in float32 and float64


def masked_softmax(scores, mask):
    """Softmax over the last axis restricted to mask == 1. If every position is masked the result is all zeros
    (as in the paper's code) rather than NaN or a uniform distribution."""
    mask = mask.to(scores.dtype)
    return torch.softmax(scores + (1.0 - mask) * NEG_INF, dim=-1) * mask


def pad_batch(seqs):
    """Right-pads with id 0 ([PAD]); attention_mask is 1 on real tokens."""
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    mask = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
        mask[i, :len(s)] = 1
    return ids, mask


class BiLSTMTanh(nn.Module):
    """embedding -> bidirectional LSTM -> additive (tanh) attention -> linear (paper section 3.2, 'LSTM+TanhAtt')."""

    arch = 'bilstm-tanh-attention'

    def __init__(self, vocab_size, num_classes, max_length, emb_dim=100, hidden=128, dropout=0.3):
        super().__init__()
        self.max_length = max_length
        self.hidden = hidden
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.att_proj = nn.Linear(2 * hidden, hidden)
        self.att_v = nn.Linear(hidden, 1, bias=False)
        self.out = nn.Linear(2 * hidden, num_classes)
        self.drop = nn.Dropout(dropout)
        # Training uses cuDNN-style nn.LSTM; export uses the same weights through an unrolled loop of plain ops.
        self.unrolled = False

    def config(self):
        return {'embedding_dim': self.embed.embedding_dim, 'hidden_size_per_direction': self.hidden,
                'attention': 'additive (tanh): s_i = v^T tanh(W h_i + b)', 'encoder': 'bidirectional LSTM, 1 layer',
                'unrolled_steps': self.max_length}

    def forward(self, input_ids, attention_mask):
        return self.forward_embedded(self.embed(input_ids), input_ids, attention_mask)

    def forward_embedded(self, e, input_ids, attention_mask):
        enc_mask = (input_ids != 0).to(e.dtype)
        h = self._encode_unrolled(e, enc_mask) if self.unrolled else self._encode_packed(self.drop(e), enc_mask)
        scores = self.att_v(torch.tanh(self.att_proj(h))).squeeze(-1)
        alpha = masked_softmax(scores, attention_mask)
        context = torch.bmm(alpha.unsqueeze(1), h).squeeze(1)
        return self.out(self.drop(context)), alpha

    def _encode_packed(self, e, enc_mask):
        lengths = enc_mask.sum(1).long().clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=e.shape[1])
        return out * enc_mask.unsqueeze(-1)

    def _encode_unrolled(self, e, enc_mask):
        # ONNX has no dynamic loop without Loop/Scan, so pad the time axis to max_length, unroll that many steps,
        # and slice back. A step whose token is padding keeps the previous state, so padding never changes results.
        steps = self.max_length
        length = e.shape[1]
        batch = e.shape[0]
        x = torch.cat([e, e.new_zeros(batch, steps, e.shape[2])], 1)[:, :steps]
        m = torch.cat([enc_mask, enc_mask.new_zeros(batch, steps)], 1)[:, :steps]
        fwd = self._direction(x, m, '', reverse=False)
        bwd = self._direction(x, m, '_reverse', reverse=True)
        return torch.cat([fwd, bwd], -1)[:, :length]

    def _direction(self, x, m, suffix, reverse):
        w_ih = getattr(self.lstm, 'weight_ih_l0' + suffix)
        w_hh = getattr(self.lstm, 'weight_hh_l0' + suffix)
        bias = getattr(self.lstm, 'bias_ih_l0' + suffix) + getattr(self.lstm, 'bias_hh_l0' + suffix)
        xw = torch.matmul(x, w_ih.t()) + bias
        h = x.new_zeros(x.shape[0], self.hidden)
        c = x.new_zeros(x.shape[0], self.hidden)
        outs = [None] * self.max_length
        order = range(self.max_length - 1, -1, -1) if reverse else range(self.max_length)
        for t in order:
            gates = xw[:, t] + torch.matmul(h, w_hh.t())
            # Constant slices, not chunk(): chunk exports as Shape/Gather/Div arithmetic at every step.
            hs = self.hidden
            i, f, g, o = gates[:, :hs], gates[:, hs:2 * hs], gates[:, 2 * hs:3 * hs], gates[:, 3 * hs:]
            c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h_new = torch.sigmoid(o) * torch.tanh(c_new)
            mt = m[:, t:t + 1]
            c = c + mt * (c_new - c)
            h = h + mt * (h_new - h)
            outs[t] = h * mt
        return torch.stack(outs, 1)


class CNNDot(nn.Module):
    """embedding -> CNN (kernel widths 1,3,5,7; 32 filters each; ReLU) -> scaled dot attention with a learned
    query vector -> linear (paper section 3.2, 'CNN+DotAtt'). As in the paper's CNN, the hidden state of a position
    the attention mask removes is zeroed."""

    arch = 'cnn-dot-attention'

    def __init__(self, vocab_size, num_classes, max_length, emb_dim=100, filters=32, widths=(1, 3, 5, 7), dropout=0.3):
        super().__init__()
        self.max_length = max_length
        self.widths = widths
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv1d(emb_dim, filters, k, padding=k // 2) for k in widths])
        self.hidden = filters * len(widths)
        self.query = nn.Parameter(torch.randn(self.hidden) / math.sqrt(self.hidden))
        self.out = nn.Linear(self.hidden, num_classes)
        self.drop = nn.Dropout(dropout)

    def config(self):
        return {'embedding_dim': self.embed.embedding_dim, 'kernel_widths': list(self.widths),
                'filters_per_width': self.convs[0].out_channels, 'hidden_size': self.hidden,
                'attention': 'scaled dot with a learned query: s_i = u^T h_i / sqrt(H)'}

    def forward(self, input_ids, attention_mask):
        return self.forward_embedded(self.embed(input_ids), input_ids, attention_mask)

    def forward_embedded(self, e, input_ids, attention_mask):
        del input_ids  # zero [PAD] embeddings already equal the convolution's own zero padding
        mask = attention_mask.to(e.dtype)
        x = self.drop(e).transpose(1, 2)
        h = torch.cat([F.relu(conv(x)) for conv in self.convs], 1).transpose(1, 2) * mask.unsqueeze(-1)
        scores = torch.matmul(h, self.query) / math.sqrt(self.hidden)
        alpha = masked_softmax(scores, mask)
        context = torch.bmm(alpha.unsqueeze(1), h).squeeze(1)
        return self.out(self.drop(context)), alpha


class EncoderLayer(nn.Module):
    """Post-LayerNorm BERT layer: self-attention, add & norm, GELU feed-forward, add & norm."""

    def __init__(self, d_model, heads, d_ff, dropout):
        super().__init__()
        self.heads = heads
        self.head_dim = d_model // heads
        self.q = nn.Linear(d_model, d_model)
        self.k = nn.Linear(d_model, d_model)
        self.v = nn.Linear(d_model, d_model)
        self.o = nn.Linear(d_model, d_model)
        self.ln1 = nn.LayerNorm(d_model, eps=1e-12)
        self.ff1 = nn.Linear(d_model, d_ff)
        self.ff2 = nn.Linear(d_ff, d_model)
        self.ln2 = nn.LayerNorm(d_model, eps=1e-12)
        self.drop = nn.Dropout(dropout)

    def _split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, key_bias):
        q, k, v = self._split(self.q(x)), self._split(self.k(x)), self._split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + key_bias
        probs = torch.softmax(scores, -1)
        ctx = torch.matmul(self.drop(probs), v).transpose(1, 2).reshape(x.shape)
        x = self.ln1(x + self.drop(self.o(ctx)))
        x = self.ln2(x + self.drop(self.ff2(F.gelu(self.ff1(x)))))
        return x, probs


class TinyBert(nn.Module):
    """A small BERT-style encoder: learned positions, post-LN multi-head self-attention layers, GELU, and a
    [CLS] pooler (dense + tanh) feeding a linear classifier."""

    arch = 'bert-style-transformer'

    def __init__(self, vocab_size, num_classes, max_length, d_model=128, layers=4, heads=4, d_ff=256, dropout=0.1):
        super().__init__()
        self.max_length = max_length
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos = nn.Embedding(max_length, d_model)
        self.ln = nn.LayerNorm(d_model, eps=1e-12)
        self.layers = nn.ModuleList([EncoderLayer(d_model, heads, d_ff, dropout) for _ in range(layers)])
        self.pool = nn.Linear(d_model, d_model)
        self.out = nn.Linear(d_model, num_classes)
        self.drop = nn.Dropout(dropout)
        self.heads = heads

    def config(self):
        layer = self.layers[0]
        return {'hidden_size': self.embed.embedding_dim, 'num_hidden_layers': len(self.layers),
                'num_attention_heads': self.heads, 'intermediate_size': layer.ff1.out_features,
                'hidden_act': 'gelu (exact, erf)', 'layer_norm': 'post-LN, eps 1e-12',
                'max_position_embeddings': self.max_length, 'pooled_token_index': 0,
                'pooler': 'dense + tanh on [CLS]'}

    def forward(self, input_ids, attention_mask):
        return self.forward_embedded(self.embed(input_ids), input_ids, attention_mask)

    def forward_embedded(self, e, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        x = self.drop(self.ln(e + self.pos(positions).unsqueeze(0)))
        key_bias = ((1.0 - attention_mask.to(x.dtype)) * NEG_INF)[:, None, None, :]
        probs = []
        for layer in self.layers:
            x, p = layer(x, key_bias)
            probs.append(p)
        pooled = torch.tanh(self.pool(x[:, 0]))
        return (self.out(self.drop(pooled)), *probs)


ARCHITECTURES = {'bilstm-tanh': BiLSTMTanh, 'cnn-dot': CNNDot, 'transformer': TinyBert}
