module microgradkit

go 1.19
