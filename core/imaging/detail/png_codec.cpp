// SPDX-License-Identifier: MIT
#include "core/imaging/detail/png_codec.h"

#include <cerrno>
#include <cstring>
#include <png.h>
#include <vector>

#include "core/imaging/detail/atomic_file.h"
#include "core/imaging/detail/image_header.h"

namespace symmflow::imaging::detail {
namespace {

// libpng reports errors by longjmp. The functions that call setjmp (writeRaw,
// readTextRaw) hold only trivially destructible locals, so the jump never skips a
// C++ destructor; everything with a destructor lives in their callers.
struct PngErrorState {
  char message[256];
  png_bytep row;  // the reader's row buffer, freed on the error path
};

void onPngError(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
  if (state != nullptr) std::snprintf(state->message, sizeof state->message, "%s", message);
  png_longjmp(png, 1);
}

void onPngWarning(png_structp, png_const_charp) {}

bool writeRaw(std::FILE* file, png_bytep* rows, int width, int height, int channels, png_text* texts, int textCount,
              PngErrorState* state) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, state, onPngError, onPngWarning);
  if (png == nullptr) {
    std::snprintf(state->message, sizeof state->message, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    std::snprintf(state->message, sizeof state->message, "out of memory");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, file);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (textCount > 0) png_set_text(png, info, texts, textCount);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

using TextSink = void (*)(void* context, const png_text* texts, int count);

// Reads the whole PNG one row at a time (no image storage) so that text chunks
// after the image data are reached too; libpng cannot skip IDAT without decoding it.
bool readTextRaw(std::FILE* file, TextSink sink, void* context, PngErrorState* state) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state, onPngError, onPngWarning);
  if (png == nullptr) {
    std::snprintf(state->message, sizeof state->message, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  png_infop endInfo = png_create_info_struct(png);
  if (info == nullptr || endInfo == nullptr) {
    png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, endInfo != nullptr ? &endInfo : nullptr);
    std::snprintf(state->message, sizeof state->message, "out of memory");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    if (state->row != nullptr) png_free(png, state->row);
    state->row = nullptr;
    png_destroy_read_struct(&png, &info, &endInfo);
    return false;
  }
  png_init_io(png, file);
  png_read_info(png, info);
  png_textp texts = nullptr;
  int count = 0;
  if (png_get_text(png, info, &texts, &count) > 0) sink(context, texts, count);
  const int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  state->row = static_cast<png_bytep>(png_malloc(png, png_get_rowbytes(png, info)));
  const png_uint_32 height = png_get_image_height(png, info);
  for (int pass = 0; pass < passes; ++pass)
    for (png_uint_32 y = 0; y < height; ++y) png_read_row(png, state->row, nullptr);
  png_free(png, state->row);
  state->row = nullptr;
  png_read_end(png, endInfo);
  texts = nullptr;
  count = 0;
  if (png_get_text(png, endInfo, &texts, &count) > 0) sink(context, texts, count);
  png_destroy_read_struct(&png, &info, &endInfo);
  return true;
}

std::string latin1ToUtf8(const char* text, std::size_t length) {
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

void collectTexts(void* context, const png_text* texts, int count) {
  auto* out = static_cast<TextChunks*>(context);
  for (int i = 0; i < count; ++i) {
    const png_text& t = texts[i];
    std::string key = latin1ToUtf8(t.key, std::strlen(t.key));
    std::string value;
    if (t.text != nullptr) {
      const bool international =
          t.compression == PNG_ITXT_COMPRESSION_NONE || t.compression == PNG_ITXT_COMPRESSION_zTXt;
      value = international ? std::string(t.text, t.itxt_length) : latin1ToUtf8(t.text, t.text_length);
    }
    out->emplace_back(std::move(key), std::move(value));
  }
}

bool isAscii(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

}  // namespace

std::string pngKeywordProblem(const std::string& key) {
  if (key.empty()) return "a PNG text key must not be empty";
  if (key.size() > 79) return "the PNG text key '" + key + "' is longer than 79 bytes";
  if (key.front() == ' ' || key.back() == ' ') return "the PNG text key '" + key + "' starts or ends with a space";
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    const bool printable = (c >= 32 && c <= 126) || c >= 161;
    if (!printable) return "the PNG text key '" + key + "' contains a character PNG does not allow";
    if (c == ' ' && i + 1 < key.size() && key[i + 1] == ' ')
      return "the PNG text key '" + key + "' contains two spaces in a row";
  }
  return {};
}

Status writePng(std::FILE* file, const std::uint8_t* pixels, int width, int height, int channels,
                const TextChunks& text) {
  if (width <= 0 || height <= 0 || pixels == nullptr) return Error{"the image is empty"};
  if (channels != 1 && channels != 3) return Error{"internal error: unsupported channel count"};

  std::vector<std::string> storage;  // keeps the strings png_text points at alive
  storage.reserve(text.size() * 2 + 1);
  storage.emplace_back();  // the empty language tag of iTXt chunks
  std::vector<png_text> texts(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto& [key, value] = text[i];
    if (auto problem = pngKeywordProblem(key); !problem.empty()) return Error{problem};
    if (value.find('\0') != std::string::npos) return Error{"the PNG text value of '" + key + "' contains a NUL byte"};
    storage.push_back(key);
    char* keyPtr = storage.back().data();
    storage.push_back(value);
    char* valuePtr = storage.back().data();
    png_text& t = texts[i];
    std::memset(&t, 0, sizeof t);
    t.key = keyPtr;
    t.text = valuePtr;
    if (isAscii(value)) {
      t.compression = PNG_TEXT_COMPRESSION_NONE;
      t.text_length = value.size();
    } else {
      t.compression = PNG_ITXT_COMPRESSION_NONE;
      t.itxt_length = value.size();
      t.lang = storage.front().data();
      t.lang_key = storage.front().data();
    }
  }

  const std::size_t stride = static_cast<std::size_t>(width) * channels;
  std::vector<png_bytep> rows(static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) rows[static_cast<std::size_t>(y)] = const_cast<png_bytep>(pixels + stride * y);

  PngErrorState state{};
  errno = 0;
  if (!writeRaw(file, rows.data(), width, height, channels, texts.data(), static_cast<int>(texts.size()), &state)) {
    std::string why = state.message;
    if (errno != 0) why += " (" + std::string(std::strerror(errno)) + ")";
    return Error{"PNG write failed: " + why};
  }
  return Status::success();
}

Result<TextChunks> readPngTextChunks(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return Error{"'" + path + "' does not exist"};
    return Error{"cannot read '" + path + "' (" + std::strerror(err) + ")"};
  }
  unsigned char signature[8] = {};
  const std::size_t got = std::fread(signature, 1, sizeof signature, file);
  if (got == 0) {
    std::fclose(file);
    return Error{"'" + path + "' is empty (0 bytes)"};
  }
  if (got < sizeof signature || png_sig_cmp(signature, 0, sizeof signature) != 0) {
    std::fclose(file);
    return Error{"'" + path + "' is not a PNG file"};
  }
  // libpng allocates each chunk's declared length before reading it: check the lengths
  // against the file first (see checkPngChunks).
  auto bytes = readWholeFile(path);
  if (!bytes) {
    std::fclose(file);
    return Error{bytes.error()};
  }
  if (auto s = checkPngChunks(bytes.value(), path); !s) {
    std::fclose(file);
    return Error{s.error()};
  }
  std::rewind(file);
  TextChunks out;
  PngErrorState state{};
  const bool ok = readTextRaw(file, collectTexts, &out, &state);
  std::fclose(file);
  if (!ok) return Error{"'" + path + "' is a corrupt or truncated PNG (" + state.message + ")"};
  return out;
}

}  // namespace symmflow::imaging::detail
