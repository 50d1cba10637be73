// Rewrites one version-need (Vernaux) entry of an ELF64 shared library so that it names another
// version the same library already requires from the same file, e.g. GLIBCXX_3.4.32 -> GLIBCXX_3.4.30.
// patchelf can clear a symbol's version but cannot rename a version requirement; the dynamic loader
// checks every Vernaux entry, so the entry itself has to change. Only the name offset and hash are
// rewritten (the version index stays, so .gnu.version stays consistent).
//
// usage: retarget_verneed FILE FROM_VERSION TO_VERSION
// exit 0: rewritten or FROM_VERSION already absent; exit 1: error (printed on one line).
#include <cstdio>
#include <cstring>
#include <elf.h>
#include <string>
#include <vector>

static int fail(const std::string& message) {
    std::fprintf(stderr, "retarget_verneed: %s\n", message.c_str());
    return 1;
}

int main(int argc, char** argv) {
    if (argc != 4) return fail("usage: retarget_verneed FILE FROM_VERSION TO_VERSION");
    const std::string path = argv[1], from = argv[2], to = argv[3];

    FILE* file = std::fopen(path.c_str(), "r+b");
    if (!file) return fail(path + ": cannot open for writing");
    std::vector<unsigned char> bytes;
    unsigned char buffer[1 << 16];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);

    auto in_bounds = [&](size_t offset, size_t size) { return offset <= bytes.size() && size <= bytes.size() - offset; };
    if (!in_bounds(0, sizeof(Elf64_Ehdr)) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 || bytes[EI_CLASS] != ELFCLASS64)
        return std::fclose(file), fail(path + ": not an ELF64 file");
    Elf64_Ehdr header;
    std::memcpy(&header, bytes.data(), sizeof header);
    if (!in_bounds(header.e_shoff, size_t(header.e_shnum) * sizeof(Elf64_Shdr)))
        return std::fclose(file), fail(path + ": section table out of bounds");

    std::vector<Elf64_Shdr> sections(header.e_shnum);
    std::memcpy(sections.data(), bytes.data() + header.e_shoff, sections.size() * sizeof(Elf64_Shdr));
    for (const Elf64_Shdr& verneed_section : sections) {
        if (verneed_section.sh_type != SHT_GNU_verneed) continue;
        if (verneed_section.sh_link >= sections.size()) return std::fclose(file), fail(path + ": bad .gnu.version_r link");
        const Elf64_Shdr& strtab = sections[verneed_section.sh_link];
        auto name_at = [&](Elf64_Word offset) -> std::string {
            if (offset >= strtab.sh_size || !in_bounds(strtab.sh_offset + offset, 1)) return {};
            const char* start = reinterpret_cast<const char*>(bytes.data() + strtab.sh_offset + offset);
            return std::string(start, strnlen(start, strtab.sh_size - offset));
        };

        size_t need_offset = verneed_section.sh_offset;
        for (;;) {
            if (!in_bounds(need_offset, sizeof(Elf64_Verneed))) return std::fclose(file), fail(path + ": truncated Verneed");
            Elf64_Verneed need;
            std::memcpy(&need, bytes.data() + need_offset, sizeof need);
            // Collect this file's entries, then rewrite FROM with TO's name offset and hash.
            size_t aux_offset = need_offset + need.vn_aux, from_at = 0;
            Elf64_Vernaux to_entry{};
            bool have_to = false;
            for (unsigned i = 0; i < need.vn_cnt; ++i) {
                if (!in_bounds(aux_offset, sizeof(Elf64_Vernaux))) return std::fclose(file), fail(path + ": truncated Vernaux");
                Elf64_Vernaux aux;
                std::memcpy(&aux, bytes.data() + aux_offset, sizeof aux);
                std::string name = name_at(aux.vna_name);
                if (name == from) from_at = aux_offset;
                if (name == to) { to_entry = aux; have_to = true; }
                if (aux.vna_next == 0) break;
                aux_offset += aux.vna_next;
            }
            if (from_at != 0) {
                if (!have_to) return std::fclose(file), fail(path + ": no " + to + " entry to borrow from " + name_at(need.vn_file));
                Elf64_Vernaux aux;
                std::memcpy(&aux, bytes.data() + from_at, sizeof aux);
                aux.vna_hash = to_entry.vna_hash;
                aux.vna_name = to_entry.vna_name;
                std::fseek(file, long(from_at), SEEK_SET);
                if (std::fwrite(&aux, sizeof aux, 1, file) != 1) return std::fclose(file), fail(path + ": write failed");
                std::fclose(file);
                return 0;
            }
            if (need.vn_next == 0) break;
            need_offset += need.vn_next;
        }
    }
    std::fclose(file);
    return 0;  // FROM not required: nothing to do
}
