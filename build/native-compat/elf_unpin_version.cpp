// elf_unpin_version: lets a shared library load against an older libstdc++ when one symbol pins a newer version.
//
// TorchSharp 0.107's libLibTorchSharp.so was built with GCC 13, whose <iostream> emits a bare `.globl` reference to
// std::ios_base_library_init() (_ZSt21ios_base_library_initv@GLIBCXX_3.4.32) so that linking records a need for
// GLIBCXX_3.4.32. Nothing calls or relocates against the symbol; the need alone stops the library loading where
// libstdc++ is older (Debian 12: GLIBCXX_3.4.30). This tool, on one file:
//   1. clears the symbol's version (its .gnu.version entry becomes 1, "global"), as patchelf --clear-symbol-version does;
//   2. marks the undefined symbol weak, so even a lookup could not fail;
//   3. points the FROM_VERSION version-need entry at TO_VERSION, a version the library already needs from the same file
//      (name offset and hash copied), because the dynamic loader checks every need entry.
// The version index of the entry is kept, so .gnu.version stays consistent.
//
// usage: elf_unpin_version FILE SYMBOL FROM_VERSION TO_VERSION
// exit 0: patched, or FROM_VERSION already not needed; exit 1: error, printed on one line.
#include <cstdio>
#include <cstring>
#include <elf.h>
#include <string>
#include <vector>

namespace {

struct ElfFile {
    std::string path;
    std::vector<unsigned char> bytes;
    std::vector<Elf64_Shdr> sections;

    bool in_bounds(size_t offset, size_t size) const { return offset <= bytes.size() && size <= bytes.size() - offset; }

    template <typename T> T read(size_t offset) const {
        T value;
        std::memcpy(&value, bytes.data() + offset, sizeof value);
        return value;
    }
    template <typename T> void write(size_t offset, const T& value) { std::memcpy(bytes.data() + offset, &value, sizeof value); }

    std::string string_at(const Elf64_Shdr& table, Elf64_Word offset) const {
        if (offset >= table.sh_size || !in_bounds(table.sh_offset + offset, 1)) return {};
        const char* start = reinterpret_cast<const char*>(bytes.data() + table.sh_offset + offset);
        return std::string(start, strnlen(start, table.sh_size - offset));
    }

    const Elf64_Shdr* section_of_type(Elf64_Word type) const {
        for (const Elf64_Shdr& section : sections)
            if (section.sh_type == type) return &section;
        return nullptr;
    }
};

int fail(const std::string& message) {
    std::fprintf(stderr, "elf_unpin_version: %s\n", message.c_str());
    return 1;
}

bool load(const std::string& path, ElfFile& elf, std::string& error) {
    elf.path = path;
    FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) return error = path + ": cannot open", false;
    unsigned char buffer[1 << 16];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) elf.bytes.insert(elf.bytes.end(), buffer, buffer + n);
    std::fclose(file);
    if (!elf.in_bounds(0, sizeof(Elf64_Ehdr)) || std::memcmp(elf.bytes.data(), ELFMAG, SELFMAG) != 0 || elf.bytes[EI_CLASS] != ELFCLASS64)
        return error = path + ": not an ELF64 file", false;
    auto header = elf.read<Elf64_Ehdr>(0);
    if (!elf.in_bounds(header.e_shoff, size_t(header.e_shnum) * sizeof(Elf64_Shdr))) return error = path + ": section table out of bounds", false;
    elf.sections.resize(header.e_shnum);
    std::memcpy(elf.sections.data(), elf.bytes.data() + header.e_shoff, elf.sections.size() * sizeof(Elf64_Shdr));
    for (const Elf64_Shdr& section : elf.sections)
        if (section.sh_type != SHT_NOBITS && !elf.in_bounds(section.sh_offset, section.sh_size)) return error = path + ": section out of bounds", false;
    return true;
}

// Returns the offset of the FROM entry (0 if absent) and fills `to` with the TO entry of the same needed file.
size_t find_need(const ElfFile& elf, const std::string& from, const std::string& to, Elf64_Vernaux& to_entry, bool& have_to, std::string& error) {
    const Elf64_Shdr* verneed = elf.section_of_type(SHT_GNU_verneed);
    if (!verneed) return 0;
    if (verneed->sh_link >= elf.sections.size()) return error = elf.path + ": bad .gnu.version_r link", 0;
    const Elf64_Shdr& strings = elf.sections[verneed->sh_link];
    size_t need_offset = verneed->sh_offset;
    for (unsigned guard = 0; guard < 4096; ++guard) {
        if (!elf.in_bounds(need_offset, sizeof(Elf64_Verneed))) return error = elf.path + ": truncated Verneed", 0;
        auto need = elf.read<Elf64_Verneed>(need_offset);
        size_t aux_offset = need_offset + need.vn_aux, from_at = 0;
        have_to = false;
        for (unsigned i = 0; i < need.vn_cnt; ++i) {
            if (!elf.in_bounds(aux_offset, sizeof(Elf64_Vernaux))) return error = elf.path + ": truncated Vernaux", 0;
            auto aux = elf.read<Elf64_Vernaux>(aux_offset);
            std::string name = elf.string_at(strings, aux.vna_name);
            if (name == from) from_at = aux_offset;
            if (name == to) to_entry = aux, have_to = true;
            if (aux.vna_next == 0) break;
            aux_offset += aux.vna_next;
        }
        if (from_at != 0) return from_at;
        if (need.vn_next == 0) break;
        need_offset += need.vn_next;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) return fail("usage: elf_unpin_version FILE SYMBOL FROM_VERSION TO_VERSION");
    const std::string path = argv[1], symbol = argv[2], from = argv[3], to = argv[4];
    ElfFile elf;
    std::string error;
    if (!load(path, elf, error)) return fail(error);

    Elf64_Vernaux to_entry{};
    bool have_to = false;
    size_t from_at = find_need(elf, from, to, to_entry, have_to, error);
    if (!error.empty()) return fail(error);
    if (from_at == 0) return 0;  // already loadable: nothing to do
    if (!have_to) return fail(path + ": needs " + from + " but not " + to + " from the same library; cannot retarget");

    // 1 and 2: the symbol in .dynsym (and its .gnu.version entry).
    const Elf64_Shdr* dynsym = elf.section_of_type(SHT_DYNSYM);
    const Elf64_Shdr* versym = elf.section_of_type(SHT_GNU_versym);
    if (!dynsym || !versym || dynsym->sh_link >= elf.sections.size()) return fail(path + ": no dynamic symbol table");
    const Elf64_Shdr& dynstr = elf.sections[dynsym->sh_link];
    size_t count = dynsym->sh_size / sizeof(Elf64_Sym);
    bool found = false;
    for (size_t i = 0; i < count; ++i) {
        size_t at = dynsym->sh_offset + i * sizeof(Elf64_Sym);
        auto entry = elf.read<Elf64_Sym>(at);
        if (entry.st_shndx != SHN_UNDEF || elf.string_at(dynstr, entry.st_name) != symbol) continue;
        entry.st_info = ELF64_ST_INFO(STB_WEAK, ELF64_ST_TYPE(entry.st_info));
        elf.write(at, entry);
        size_t version_at = versym->sh_offset + i * sizeof(Elf64_Half);
        if (!elf.in_bounds(version_at, sizeof(Elf64_Half))) return fail(path + ": truncated .gnu.version");
        elf.write<Elf64_Half>(version_at, 1);  // VER_NDX_GLOBAL
        found = true;
    }
    if (!found) return fail(path + ": needs " + from + " but has no undefined symbol " + symbol + "; a different cause, not patched");

    // 3: retarget the version need.
    auto aux = elf.read<Elf64_Vernaux>(from_at);
    aux.vna_hash = to_entry.vna_hash;
    aux.vna_name = to_entry.vna_name;
    elf.write(from_at, aux);

    std::string temporary = path + ".unpin-tmp";
    FILE* out = std::fopen(temporary.c_str(), "wb");
    if (!out) return fail(temporary + ": cannot create");
    bool written = std::fwrite(elf.bytes.data(), 1, elf.bytes.size(), out) == elf.bytes.size();
    written = (std::fclose(out) == 0) && written;
    if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        return fail(path + ": could not write the patched file");
    }
    return 0;
}
