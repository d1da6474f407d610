#!/usr/bin/env bash
# Provision a ROCm inference box.
set -euo pipefail

TORCH_VERSION=2.2.2
pip install --upgrade pip
pip install "torch==${TORCH_VERSION}+rocm5.7" torchvision==0.17.2+rocm5.7 \
  --index-url https://download.pytorch.org/whl/rocm5.7
pip install -r requirements.txt
pip install accelerate>=0.30
echo "pip install onnxruntime-gpu  # (not run: just a hint for operators)"
