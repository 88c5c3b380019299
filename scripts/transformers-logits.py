"""Logits of a forged model directory under Hugging Face transformers, for lmscale's cross-checks.

Usage: python transformers-logits.py <model dir with config.json + model.safetensors> <token ids as JSON>
Prints {"transformers": version, "class": name, "logits": [[...], ...]} (float64 forward) on stdout.
"""
import json
import sys

import torch
import transformers
from transformers import AutoModelForCausalLM

model_dir, tokens = sys.argv[1], json.loads(sys.argv[2])
model = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float64, attn_implementation="eager").eval()
with torch.no_grad():
    logits = model(torch.tensor([tokens])).logits[0]
print(json.dumps({"transformers": transformers.__version__, "class": type(model).__name__, "logits": logits.tolist()}))
