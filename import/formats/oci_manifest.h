// OCI and Docker image metadata: image indexes and Docker manifest lists,
// image manifests (OCI and Docker v2 schema 2) and image configs; the media
// types sdme can unpack; choosing the image for this machine's platform; and
// digests checked before they are trusted or turned into paths.
//
// A layout on disk and a registry store the same documents, so the walk from
// the top document to the list of layers lives here, once, reading documents
// through a small ManifestStore interface.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sdme::import {

// Media types of the documents.
inline constexpr std::string_view kOciImageIndexMediaType =
    "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifestListMediaType =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kOciImageManifestMediaType =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kDockerManifestMediaType =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kOciImageConfigMediaType =
    "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kDockerImageConfigMediaType =
    "application/vnd.docker.container.image.v1+json";

// Media types of the layers sdme can unpack.
inline constexpr std::string_view kOciLayerTarMediaType = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzipMediaType =
    "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstdMediaType =
    "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kDockerLayerGzipMediaType =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";

// Annotations that name an image in an index.
inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
inline constexpr std::string_view kContainerdImageNameAnnotation = "io.containerd.image.name";

// Size limits for the JSON documents. Registries accept manifests up to
// 4 MiB; configs carry the build history and can be larger.
inline constexpr size_t kMaxManifestSize = 4 << 20;
inline constexpr size_t kMaxConfigSize = 16 << 20;

// Limits on an image's runtime config. Each list (Entrypoint, Cmd, Env,
// ExposedPorts) holds at most so many entries and each string at most so
// many bytes: more is a broken image, not an application, and every one of
// them is later written into a unit file.
inline constexpr size_t kMaxRuntimeConfigEntries = 4096;
inline constexpr size_t kMaxRuntimeConfigStringSize = 128 << 10;

// A layer to unpack, in order from the bottom. `digest` is "sha256:HEX".
struct LayerDescriptor {
  std::string media_type, digest;
  uint64_t size = 0;
};

struct Platform {
  std::string os, architecture, variant;
};

// An entry of an index, or the config of a manifest.
struct Descriptor {
  std::string media_type, digest;
  uint64_t size = 0;
  bool has_platform = false;
  Platform platform;
  std::string ref_name;         // org.opencontainers.image.ref.name
  std::string containerd_name;  // io.containerd.image.name
};

struct ImageIndex {
  std::vector<Descriptor> manifests;
};

struct ImageManifest {
  std::string media_type;
  Descriptor config;
  std::vector<LayerDescriptor> layers;
};

struct ImageConfig {
  std::string os, architecture, variant;
  // The sha256 of each uncompressed layer, bottom first (rootfs.diff_ids).
  std::vector<std::string> diff_ids;

  // How the image runs: its "config" object (OCI image-spec config.md;
  // Docker's config has the same one, and its "container_config" is only
  // the build's). A field the image does not set is empty. Entrypoint and
  // Cmd hold any character but NUL (ExecStart= quoting carries the rest);
  // the other strings hold no control character, so each can go into a
  // unit file as it is.
  //
  // A runtime config sdme cannot use (a field of the wrong type, a bad Env
  // entry, a limit) does not fail the parse: the layers are what a rootfs
  // import needs. `runtime_error` says why, and the runtime fields are
  // empty; an image run as an application is refused with that message.
  //
  // Entrypoint and Cmd: a JSON null reads as absent. Docker tells an absent
  // Cmd from an empty one, so `has_entrypoint` and `has_cmd` say whether
  // the field held an array (possibly empty).
  std::vector<std::string> entrypoint, cmd;
  bool has_entrypoint = false, has_cmd = false;
  // "NAME=VALUE", in the image's order; NAME is a shell variable name.
  std::vector<std::string> env;
  // As written: "1000", "1000:1000", "nginx", "nginx:www-data" or "".
  std::string user;
  // Absolute when not empty.
  std::string working_dir;
  // As written ("SIGQUIT", "3"); the consumer checks the name.
  std::string stop_signal;
  // The keys of ExposedPorts ("80/tcp", "53/udp", "8080"), sorted.
  std::vector<std::string> exposed_ports;
  // Empty, or why the runtime config above cannot be used.
  std::string runtime_error;
};

// What resolve_image_layers() finds: the layers to unpack and the image's
// config, parsed and as the bytes its digest was checked against, which an
// image run as an application keeps next to its tree.
struct ResolvedImage {
  std::vector<LayerDescriptor> layers;  // bottom first
  ImageConfig config;
  std::string config_text;    // the config document, byte for byte
  std::string config_digest;  // "sha256:HEX" of config_text
};

// This machine's platform in OCI terms: "amd64", "arm64", "arm/v7", "386",
// "ppc64le", "s390x", "riscv64"; other machines by their uname(2) name.
// An architecture string elsewhere has this form too: ARCH or ARCH/VARIANT.
std::string host_oci_architecture();

// "sha256:" followed by 64 lower-case hex digits, and nothing else: such a
// digest is safe to build a path from.
bool validate_digest(std::string_view digest, std::string* err);

// Whether `media_type` is an index (or manifest list) or an image manifest.
bool is_index_media_type(std::string_view media_type);
bool is_manifest_media_type(std::string_view media_type);

// The media type of a manifest document: its own mediaType field, else
// `content_type` (a registry's Content-Type header; may be empty), else
// what its fields show it to be. Fails for anything that is neither an index
// nor an image manifest (Docker schema 1, artifacts). `source` names the
// document in messages.
bool detect_manifest_media_type(std::string_view text, std::string_view content_type,
                                const std::string& source, std::string* media_type,
                                std::string* err);

// Parsers. Each checks the types of the fields it reads and the digests it
// returns; `source` names the document in messages.
bool parse_image_index(std::string_view text, const std::string& source, ImageIndex* index,
                       std::string* err);
// Refuses layers sdme cannot unpack (foreign, non-distributable, unknown
// media types).
bool parse_image_manifest(std::string_view text, const std::string& source, ImageManifest* manifest,
                          std::string* err);
// Reads the platform, rootfs.diff_ids and the runtime config. Refuses an Env
// entry that is not NAME=VALUE, a relative WorkingDir, a control character
// in any runtime string, and lists or strings over the limits above.
bool parse_image_config(std::string_view text, const std::string& source, ImageConfig* config,
                        std::string* err);

// Chooses from an index the image for linux on `architecture` (ARCH or
// ARCH/VARIANT; a variant is matched when given). When `name` is not empty,
// only entries called so (by their ref.name annotation, or containerd's image
// name, whole or after a '/') are considered. Entries without a platform are
// taken when they are the only candidate.
bool select_from_index(const ImageIndex& index, const std::string& architecture,
                       const std::string& name, const std::string& source, Descriptor* chosen,
                       std::string* err);

// Checks that a config is for linux on `architecture`.
bool check_config_platform(const ImageConfig& config, const std::string& architecture,
                           const std::string& source, std::string* err);

// Where the documents of an image come from: a layout's blobs/ directory or a
// registry's API. Implementations fetch bytes; the resolver checks digests.
class ManifestStore {
 public:
  virtual ~ManifestStore() = default;
  // A manifest or index by digest. `*content_type` may be left empty.
  virtual bool read_manifest(const Descriptor& descriptor, std::string* content,
                             std::string* content_type, std::string* err) = 0;
  virtual bool read_config(const Descriptor& descriptor, std::string* content,
                           std::string* err) = 0;
  // How to name a document in messages ("DIR/blobs/sha256/HEX", a URL).
  virtual std::string describe(const Descriptor& descriptor) const = 0;
};

// Walks from a top document (an index or a manifest) to the image for
// `architecture`: chooses in indexes (by `name` at the top only), reads the
// manifest and its config, checks each document's digest and the config's
// platform, and returns the layers bottom first with the config.
bool resolve_image_layers(ManifestStore& store, std::string_view top_text,
                          std::string_view top_content_type, const std::string& top_source,
                          const std::string& architecture, const std::string& name,
                          ResolvedImage* image, std::string* err);

}  // namespace sdme::import
