"""The one error type that leaves the core: its text is a plain sentence a writer can act on."""


class FineAuthorError(Exception):
    """A problem the writer can do something about. ``str(error)`` is the message to show."""


class ProjectError(FineAuthorError):
    """A project file could not be opened, created or changed."""


class NotAProjectError(ProjectError):
    """The file is something other than a FineAuthor project."""


class DamagedProjectError(ProjectError):
    """The file was a project but is truncated or corrupted."""


class NewerProjectError(ProjectError):
    """The project was saved by a newer FineAuthor than this one."""


class ProjectLocationError(ProjectError):
    """The project's folder or file cannot be written, so edits could not be saved."""


class DatasetError(FineAuthorError):
    """A dataset file cannot be read at all (missing, a folder, binary, not text)."""


class UnknownModelError(FineAuthorError):
    """A model id that the catalog does not know."""


class ResourceError(FineAuthorError):
    """A file that ships with FineAuthor is missing or damaged (reinstalling fixes it)."""
