{#- Flatten in io_stream (io_parallel aliases the array and needs no config). -#}
struct {{ cfg }} {
    static const unsigned n_in = {{ n_in }};
    static const unsigned n_pixels = {{ stream.n_pixels }};
    static const unsigned pixel_size = {{ stream.pixel_size }};
};
