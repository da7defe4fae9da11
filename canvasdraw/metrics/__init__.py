"""Held-out numbers: a canvas's fidelity to its renderer (`canvas`), a drawer's L2 with the real
renderer (`drawer`), seams between sliding windows (`seams`)."""
