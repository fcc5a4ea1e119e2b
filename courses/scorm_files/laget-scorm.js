/* Laget SCORM 1.2 runtime: shows one screen at a time, scores the quizzes and reports to the LMS.
 *
 * The LMS API is found as the SCORM 1.2 run-time environment describes it: `window.API` in this
 * window, its parents, or the opener's. Progress (screen, checked answers, the last quiz result)
 * is kept in cmi.suspend_data and restored from it when the learner comes back.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("laget-data").textContent);
  var words = data.words;
  var screens = Array.prototype.slice.call(document.querySelectorAll(".screen"));
  var quizIndex = screens.length - 1;
  var state = { v: 1, s: 0, a: {}, d: {}, r: null };
  var api = null;
  var finished = false;
  var startedAt = new Date().getTime();

  /* ---- The LMS API (SCORM 1.2 RTE, API discovery) ---- */

  function scan(win) {
    var tries = 0;
    try {
      while (!win.API && win.parent && win.parent !== win) {
        tries += 1;
        if (tries > 7) {
          return null;
        }
        win = win.parent;
      }
      return win.API || null;
    } catch (e) {
      return null;
    }
  }

  function findApi() {
    var found = scan(window);
    if (!found && window.opener) {
      found = scan(window.opener);
    }
    return found;
  }

  function getValue(name) {
    return api ? String(api.LMSGetValue(name)) : "";
  }

  function setValue(name, value) {
    if (api) {
      api.LMSSetValue(name, String(value));
    }
  }

  function commit() {
    if (api) {
      api.LMSCommit("");
    }
  }

  function timespan(ms) {
    var seconds = Math.floor(ms / 1000);
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    return (h < 1000 ? ("000" + h).slice(-4) : String(h)) + ":" + two(m) + ":" + two(s);
  }

  function save() {
    setValue("cmi.suspend_data", JSON.stringify(state));
    setValue("cmi.core.lesson_location", String(state.s));
    commit();
  }

  function finish() {
    if (!api || finished) {
      return;
    }
    finished = true;
    setValue("cmi.suspend_data", JSON.stringify(state));
    setValue("cmi.core.session_time", timespan(new Date().getTime() - startedAt));
    setValue("cmi.core.exit", state.r && state.r.passed ? "" : "suspend");
    commit();
    api.LMSFinish("");
  }

  /* ---- Scoring, the same rules as Laget's courses/quiz.py ---- */

  function credit(questionId, chosen) {
    var question = data.questions[questionId];
    var correct = question.correct;
    var right = 0;
    var wrong = 0;
    if (!correct.length) {
      return 0;
    }
    chosen.forEach(function (id) {
      if (correct.indexOf(id) >= 0) {
        right += 1;
      } else if (question.options.indexOf(id) >= 0) {
        wrong += 1;
      }
    });
    if (question.kind === "single") {
      return chosen.length === correct.length && right === correct.length ? 1 : 0;
    }
    return Math.max(0, (right - wrong) / correct.length);
  }

  function percent(answers) {
    var total = 0;
    data.quiz.forEach(function (id) {
      total += credit(id, answers[id] || []);
    });
    return data.quiz.length ? Math.round((10000 * total) / data.quiz.length) / 100 : 0;
  }

  function formatScore(score) {
    var text = String(score);
    return document.documentElement.lang === "en" ? text : text.replace(".", ",");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  /* ---- Questions ---- */

  function fieldset(root, questionId) {
    var sets = root.querySelectorAll("fieldset[data-question]");
    for (var i = 0; i < sets.length; i += 1) {
      if (sets[i].getAttribute("data-question") === questionId) {
        return sets[i];
      }
    }
    return null;
  }

  function chosenIn(set) {
    var boxes = set.querySelectorAll("input");
    var chosen = [];
    for (var i = 0; i < boxes.length; i += 1) {
      if (boxes[i].checked) {
        chosen.push(boxes[i].value);
      }
    }
    return chosen;
  }

  function choose(set, chosen) {
    var boxes = set.querySelectorAll("input");
    for (var i = 0; i < boxes.length; i += 1) {
      boxes[i].checked = chosen.indexOf(boxes[i].value) >= 0;
    }
  }

  function reveal(set, questionId, chosen, show) {
    var correct = data.questions[questionId].correct;
    var options = set.querySelectorAll(".option");
    for (var i = 0; i < options.length; i += 1) {
      var id = options[i].getAttribute("data-option");
      var picked = chosen.indexOf(id) >= 0;
      var right = correct.indexOf(id) >= 0;
      options[i].querySelector(".tag--chosen").hidden = !(show && picked);
      options[i].querySelector(".tag--right").hidden = !(show && right);
      var feedback = options[i].querySelector(".feedback");
      if (feedback) {
        feedback.hidden = !(show && (picked || right));
      }
    }
    set.querySelector(".explanation").hidden = !show;
    var value = credit(questionId, chosen);
    set.querySelector(".verdict").textContent = !show
      ? ""
      : value >= 1
        ? words.right
        : value > 0
          ? words.partly
          : words.wrong;
  }

  function lessonQuestions() {
    var forms = document.querySelectorAll("form[data-lesson-question]");
    Array.prototype.forEach.call(forms, function (form) {
      var id = form.getAttribute("data-lesson-question");
      var set = fieldset(form, id);
      if (state.a[id]) {
        choose(set, state.a[id]);
        reveal(set, id, state.a[id], true);
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var chosen = chosenIn(set);
        if (!chosen.length) {
          set.querySelector(".verdict").textContent = words.choose_first;
          return;
        }
        state.a[id] = chosen;
        reveal(set, id, chosen, true);
        save();
      });
    });
  }

  /* ---- The final quiz ---- */

  var quizForm = document.getElementById("quiz-form");

  function quizAnswers() {
    var answers = {};
    data.quiz.forEach(function (id) {
      answers[id] = chosenIn(fieldset(quizForm, id));
    });
    return answers;
  }

  function lockQuiz(locked) {
    var inputs = quizForm.querySelectorAll("input");
    for (var i = 0; i < inputs.length; i += 1) {
      inputs[i].disabled = locked;
    }
    document.getElementById("quiz-submit").hidden = locked;
  }

  function showResult(result, focus) {
    var box = document.getElementById("quiz-result");
    var message = result.passed ? words.passed : words.failed;
    document.getElementById("quiz-verdict").textContent = fill(message, {
      score: formatScore(result.score),
      mark: data.passMark,
    });
    box.hidden = false;
    box.className = "quiz-result " + (result.passed ? "quiz-result--passed" : "quiz-result--failed");
    document.getElementById("quiz-retake").hidden = result.passed;
    data.quiz.forEach(function (id) {
      var set = fieldset(quizForm, id);
      choose(set, result.answers[id] || []);
      reveal(set, id, result.answers[id] || [], true);
    });
    lockQuiz(true);
    if (focus) {
      box.focus();
    }
  }

  function report(result) {
    setValue("cmi.core.score.min", "0");
    setValue("cmi.core.score.max", "100");
    setValue("cmi.core.score.raw", String(result.score));
    setValue("cmi.core.lesson_status", result.passed ? "passed" : "failed");
  }

  function quiz() {
    if (!quizForm) {
      return;
    }
    data.quiz.forEach(function (id) {
      if (state.d[id]) {
        choose(fieldset(quizForm, id), state.d[id]);
      }
    });
    quizForm.addEventListener("change", function () {
      state.d = quizAnswers();
      save();
    });
    quizForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = quizAnswers();
      var missing = [];
      data.quiz.forEach(function (id, index) {
        if (!answers[id].length) {
          missing.push(index + 1);
        }
      });
      var error = document.getElementById("quiz-error");
      if (missing.length) {
        error.textContent = fill(words.missing, { list: missing.join(", ") });
        error.hidden = false;
        error.focus();
        return;
      }
      error.hidden = true;
      var score = percent(answers);
      var result = { score: score, passed: score >= data.passMark, answers: answers };
      // Once passed, a later attempt does not take the pass away.
      if (!(state.r && state.r.passed)) {
        state.r = result;
        report(result);
      }
      state.d = {};
      save();
      showResult(result, true);
    });
    document.getElementById("quiz-retake").addEventListener("click", function () {
      document.getElementById("quiz-result").hidden = true;
      data.quiz.forEach(function (id) {
        var set = fieldset(quizForm, id);
        choose(set, []);
        reveal(set, id, [], false);
      });
      lockQuiz(false);
      var first = quizForm.querySelector("input");
      if (first) {
        first.focus();
      }
    });
    if (state.r) {
      showResult(state.r, false);
    }
  }

  /* ---- Screens ---- */

  function show(index, focus) {
    index = Math.max(0, Math.min(screens.length - 1, index));
    state.s = index;
    screens.forEach(function (screen, i) {
      screen.hidden = i !== index;
    });
    var links = document.querySelectorAll("[data-goto]");
    for (var i = 0; i < links.length; i += 1) {
      if (Number(links[i].getAttribute("data-goto")) === index) {
        links[i].setAttribute("aria-current", "step");
      } else {
        links[i].removeAttribute("aria-current");
      }
    }
    document.getElementById("previous").hidden = index === 0;
    document.getElementById("next").hidden = index === screens.length - 1;
    if (focus) {
      var heading = screens[index].querySelector("h1");
      if (heading) {
        heading.focus();
      }
      window.scrollTo(0, 0);
    }
  }

  function go(index) {
    show(index, true);
    save();
  }

  function navigation() {
    document.getElementById("previous").addEventListener("click", function () {
      go(state.s - 1);
    });
    document.getElementById("next").addEventListener("click", function () {
      go(state.s + 1);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-goto]"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        go(Number(link.getAttribute("data-goto")));
      });
    });
  }

  /* ---- Start and finish ---- */

  function restore(text) {
    try {
      var saved = JSON.parse(text);
      if (saved && saved.v === 1) {
        state.s = typeof saved.s === "number" ? saved.s : 0;
        state.a = saved.a || {};
        state.d = saved.d || {};
        state.r = saved.r || null;
        return true;
      }
    } catch (e) {
      // Suspend data from another package or version: start from the beginning.
    }
    return false;
  }

  function start() {
    var status = document.getElementById("lms-status");
    api = findApi();
    if (api && String(api.LMSInitialize("")) !== "true") {
      api = null;
    }
    if (!api) {
      status.textContent = words.no_lms;
    } else {
      var suspended = getValue("cmi.suspend_data");
      if (suspended && restore(suspended)) {
        status.textContent = words.resumed;
      }
      var lessonStatus = getValue("cmi.core.lesson_status");
      if (lessonStatus === "" || lessonStatus === "not attempted") {
        setValue("cmi.core.lesson_status", "incomplete");
      }
    }
    navigation();
    lessonQuestions();
    quiz();
    show(state.s, false);
    save();
    window.addEventListener("pagehide", finish);
    window.addEventListener("beforeunload", finish);
  }

  window.lagetScorm = { finish: finish, quizScreen: quizIndex };
  start();
})();
