// Paths as text: parent, base name, joining, rebasing under a root,
// normalising. Nothing here looks at the file system (that is the safe file
// layer's job: files_beneath.h), so ".." is never resolved. One name and
// one implementation per operation, for every program.
#pragma once

#include <string>
#include <string_view>

namespace sdme {

// Everything before the last '/': "/a/b" -> "/a", "/a" -> "/", "a/b" -> "a",
// and "a" -> "" (a relative path's parent is where it is relative to).
// `path` has no trailing slash.
std::string parent_directory(std::string_view path);

// Everything after the last '/': "/a/b" -> "b", "a" -> "a", "/" -> "".
std::string base_name(std::string_view path);

// "a" and "b" -> "a/b", "/" and "b" -> "/b", "" and "b" -> "b".
std::string join_path(std::string_view directory, std::string_view name);

// An absolute path as seen from inside `root`: "/srv/root" and "/etc" ->
// "/srv/root/etc"; under "/" the path itself.
std::string path_under(std::string_view root, std::string_view absolute_path);

// Removes duplicate and trailing slashes: "/a//b/" -> "/a/b".
std::string normalize_path(std::string_view path);

// normalize_path() that also drops "." components: "/a/./b/" -> "/a/b",
// "/." -> "/", "./a" -> "a", "." -> ".". ".." stays: without the file system, resolving it would be
// wrong behind a symbolic link.
std::string without_dot_components(std::string_view path);

}  // namespace sdme
