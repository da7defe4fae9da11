"""`canvasdraw vectorize`: pictures in, drawings out. Inputs are read (`inputs`), drawn by the
single-window drawer (`single`) or window by window (`sliding`, `window_strokes`), both with the
real renderer in the loop (`real_renderer`), and written as SVG, PNG, overlay and JSON
(`outputs`, gallery in `report`); `run` ties them together."""
