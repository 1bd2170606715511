#include "vyre/Basic/Diagnostics.h"

using namespace vyre;

static llvm::SourceMgr::DiagKind toKind(Severity sev) {
  switch (sev) {
  case Severity::Note:
    return llvm::SourceMgr::DK_Note;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  }
  return llvm::SourceMgr::DK_Error;
}

void DiagnosticEngine::report(Severity sev, llvm::SMLoc loc,
                              const llvm::Twine &msg) {
  if (sev == Severity::Note) {
    if (lastDropped)
      return;
  } else {
    lastDropped = false;
    if (sev == Severity::Warning) {
      if (opts.suppressWarnings) {
        lastDropped = true;
        return;
      }
      if (opts.warningsAsErrors)
        sev = Severity::Error;
    }
    if (sev == Severity::Error) {
      if (capReached) {
        lastDropped = true;
        return;
      }
      ++numErrors;
    } else {
      ++numWarnings;
    }
  }

  if (opts.verify) {
    recordedDiags.push_back({sev, loc, msg.str()});
  } else if (loc.isValid()) {
    sm.PrintMessage(os, loc, toKind(sev), msg, {}, {}, opts.color);
  } else {
    // No source position (a missing input file, say): still tool-prefixed.
    llvm::SMDiagnostic d("vyrec", toKind(sev), msg.str());
    d.print(nullptr, os, opts.color);
  }

  if (sev != Severity::Note && annotator && !annotating) {
    annotating = true;
    std::string text = msg.str();
    annotator(sev, loc, text);
    annotating = false;
  }

  if (sev == Severity::Error && opts.maxErrors != 0 &&
      numErrors >= opts.maxErrors && !capReached) {
    capReached = true;
    if (!opts.verify) {
      llvm::SMDiagnostic d("vyrec", llvm::SourceMgr::DK_Error,
                           "too many errors emitted, stopping now "
                           "[-max-errors=N]");
      d.print(nullptr, os, opts.color);
    }
  }
}
