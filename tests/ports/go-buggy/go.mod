module buggyport

go 1.19
