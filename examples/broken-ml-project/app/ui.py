import gradio as gr
import torch

with gr.Blocks() as demo:
    gr.Markdown("Upscaler")

with torch.cuda.amp.autocast():
    pass

demo.queue(concurrency_count=4).launch()
