# PartnerGraph server image. Not exercised by this repository's CI (no Docker engine there):
# build and run it on your own machine.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /partnergraph ./cmd/partnergraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /partnergraph /partnergraph
ENV PARTNERGRAPH_ADDR=0.0.0.0:8080 PARTNERGRAPH_DB=/data/partnergraph.db PARTNERGRAPH_DEV=false
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["/partnergraph"]
CMD ["serve"]
