"""What is kept on disk: training run folders (`runs`), canvas weights (`canvases`, shipped ones
in canvasdraw/weights) and drawer model files (`models`)."""
